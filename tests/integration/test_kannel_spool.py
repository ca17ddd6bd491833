"""A Kannel SMS that arrives while the database is down is kept and answered once it is back,
through the outbox and sendsms, like Twilio's (test_sms_spool); a later redelivery of the same
SMSC id gets nothing a second time. The database is taken away as in test_faults."""
from __future__ import annotations

import json
import uuid
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select

from ansinh.dispatching import drain_spools
from core.outbox.dispatch import Dispatcher
from core.models import OutboxMessage
from tests.e2e.test_sms_kannel import KEY, sendsms, settings
from tests.integration import test_faults
from ussd import make_senders

outage = test_faults.outage  # the fixture: the database taken away and given back
KEPT_NOTE = "Da nhan tin nhan"  # "Đã nhận tin nhắn…" in GSM-7
BORROWED_FIXTURES = (sendsms, settings)  # a stand-in of Kannel's sendsms; settings sending through it


def _get_url(client, sid: str, text: str):
    return client.get(f"/sms/kannel?key={KEY}&from=0912345678&to=8079&coding=0&charset=UTF-8"
                      f"&id={sid}&text={quote(text)}")


def _spooled(settings) -> list[Path]:
    folder = Path(settings.sms_spool_dir)
    return sorted(folder.glob("*.json")) if folder.exists() else []


def _send_all(runtime) -> int:
    dispatcher = Dispatcher(runtime.sessions, make_senders(runtime.settings, runtime.sessions, runtime.clock),
                            runtime.clock, runtime.settings)
    return dispatcher.run_once()


def test_a_kannel_sms_sent_while_the_database_is_down_is_answered_when_it_is_back(outage, settings, sendsms):
    client, cut, restore, runtime = outage
    sid = f"smsc-down-{uuid.uuid4().hex}"  # never an id seen before
    cut()
    kept = _get_url(client, sid, "tiền tháng này")
    assert kept.status_code == 200 and KEPT_NOTE in kept.get_data(as_text=True)  # Kannel sends the note
    assert "750.000" not in kept.get_data(as_text=True)
    assert _get_url(client, sid, "tiền tháng này").status_code == 200  # smsbox retried it
    [kept_file] = _spooled(settings)
    assert json.loads(kept_file.read_text())["provider"] == "kannel"
    assert drain_spools(runtime) == 0 and len(_spooled(settings)) == 1  # still down: nothing lost

    restore()
    assert drain_spools(runtime) == 1 and _spooled(settings) == []
    with runtime.sessions() as session:
        [reply] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reply"))
        assert reply.idempotency_key == f"kannel:{sid}:0"
    assert _send_all(runtime) == 1
    [sent] = sendsms.requests
    assert sent.query["to"] == ["+84912345678"] and "750.000d" in sent.query["text"][0]

    late = _get_url(client, sid, "tiền tháng này")
    assert late.status_code == 200 and late.get_data() == b""
    assert drain_spools(runtime) == 0 and _send_all(runtime) == 0
    assert len(sendsms.requests) == 1
