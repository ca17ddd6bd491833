"""An SMS that arrives while the database is down is kept, and answered once it is back.

Twilio does not deliver an inbound message twice, so the webhook keeps a signed message on disk
and answers 200; the dispatcher loop, `ansinh worker` or the next SMS answers it through the
outbox once the database is back. The database is taken away as in test_faults (a cut TCP proxy
on PostgreSQL, the file moved away on SQLite); the answers reach a stand-in of Twilio's API."""
from __future__ import annotations

import subprocess
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from ansinh import create_app
from ansinh.dispatching import build_senders, drain_spools, start_dispatchers
from ansinh.runtime import Runtime
from core.clock import FakeClock
from core.outbox.dispatch import Dispatcher
from core.models import OutboxMessage
from tests.conftest import REDIS_URL, TODAY
from tests.integration import test_faults
from tests.standins.twilio import twilio_standin
from tests.ussd_factories import ansinh_command, worker_env

outage = test_faults.outage  # the fixture: the database taken away and given back
_sms = test_faults._sms
PHONE = "+84912345678"
KEPT_NOTE = "Da nhan tin nhan"  # "Đã nhận tin nhắn…" in GSM-7


@pytest.fixture(params=["database", "redis"])
def settings(request, settings):
    """Provider message ids in the database, or in Redis (then the turn itself meets the outage)."""
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("ANSINH_TEST_REDIS_URL not set")
        return settings.with_(redis_url=REDIS_URL)
    return settings


def _sid(name: str) -> str:
    return f"SM{name}{uuid.uuid4().hex}"  # Redis outlives the test: never a MessageSid seen before


@pytest.fixture
def twilio_api():
    standin, _messages = twilio_standin()
    yield standin
    standin.stop()


def _spooled(settings) -> list[Path]:
    folder = Path(settings.sms_spool_dir)
    return sorted(folder.glob("*.json")) if folder.exists() else []


def _send_all(runtime, twilio_url: str) -> int:
    settings = runtime.settings.with_(twilio_api_base_url=twilio_url)
    dispatcher = Dispatcher(runtime.sessions, build_senders(Runtime(settings, runtime.clock)), runtime.clock,
                            settings)
    total = 0
    while (handled := dispatcher.run_once()) > 0:
        total += handled
    return total


def test_an_sms_sent_while_the_database_is_down_is_answered_when_it_is_back(outage, settings, twilio_api):
    client, cut, restore, runtime = outage
    sid = _sid("down")
    cut()
    kept = _sms(client, settings, sid, "tien thang nay")
    assert kept.status_code == 200 and KEPT_NOTE in kept.get_data(as_text=True)
    assert "750.000d" not in kept.get_data(as_text=True)
    again = _sms(client, settings, sid, "tien thang nay")  # Twilio's fallback URL calls the same route
    assert again.status_code == 200 and len(_spooled(settings)) == 1
    assert drain_spools(runtime) == 0 and len(_spooled(settings)) == 1  # still down: nothing lost

    restore()
    assert drain_spools(runtime) == 1 and _spooled(settings) == []
    assert _send_all(runtime, twilio_api.url) == 1
    [sent] = twilio_api.requests
    assert sent.form["To"] == PHONE and "750.000d" in sent.form["Body"]

    # A later redelivery of the same MessageSid gets no second answer, neither in TwiML nor by SMS.
    late = _sms(client, settings, sid, "tien thang nay")
    assert late.status_code == 200 and "<Message>" not in late.get_data(as_text=True)
    assert drain_spools(runtime) == 0 and _send_all(runtime, twilio_api.url) == 0
    assert len(twilio_api.requests) == 1


def test_a_restart_between_keeping_and_answering_loses_nothing(outage, settings, twilio_api,
                                                               database_url_for_run,
                                                               tmp_path):
    """The web process that kept the messages is gone; a new `ansinh worker --once` process answers
    them from the folder, each once, however often it runs."""
    client, cut, restore, runtime = outage
    cut()
    for text in ("LS", "tien thang 11/2026 ve chua"):
        assert KEPT_NOTE in _sms(client, settings, _sid("restart"), text).get_data(as_text=True)
    restore()
    runtime.close()
    env = worker_env(database_url_for_run, twilio_api.url, ANSINH_SMS_SPOOL_DIR=settings.sms_spool_dir,
                     **({"ANSINH_REDIS_URL": settings.redis_url} if settings.redis_url else {}))
    for _ in range(2):
        result = subprocess.run(ansinh_command("worker", "--once"), check=False, cwd=tmp_path,
                                capture_output=True,
                                text=True, timeout=120, env=env)
        assert result.returncode == 0, result.stderr
    assert "answered 2 SMS kept" in result.stdout or len(twilio_api.requests) == 2
    assert _spooled(settings) == []
    bodies = [request.form["Body"] for request in twilio_api.requests if request.form["To"] == PHONE]
    assert len(bodies) == 2 and all("Lai" in body for body in bodies), bodies


def test_the_next_sms_answers_what_was_kept(outage, settings):
    """A web host without a dispatcher: the first SMS after the outage answers the kept ones,
    after its own reply."""
    client, cut, restore, runtime = outage
    cut()
    _sms(client, settings, _sid("next1"), "tien thang nay")
    restore()
    with _sms(client, settings, _sid("next2"), "LS") as response:
        assert "Lai" in response.get_data(as_text=True)
    assert _spooled(settings) == []
    with runtime.sessions() as session:
        [kept] = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms"))
    assert kept.address == PHONE and "750.000" in kept.text and kept.kind == "reply"


def test_the_dispatcher_loop_answers_what_was_kept(outage, settings, twilio_api):
    client, cut, restore, runtime = outage
    cut()
    _sms(client, settings, _sid("loop1"), "tien thang nay")
    restore()
    sending = Runtime(runtime.settings.with_(twilio_api_base_url=twilio_api.url, scheduler_interval=0),
                      FakeClock(TODAY))
    stop, threads = start_dispatchers(sending, 1, threading.Event())
    try:
        assert twilio_api.wait_for(lambda requests: len(requests) >= 1, timeout=30)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        sending.close()
    assert "750.000d" in twilio_api.requests[0].form["Body"] and _spooled(settings) == []


def test_without_a_place_to_keep_it_twilio_gets_an_error(outage, settings, tmp_path):
    """Then Twilio calls the number's fallback URL (README): a 503, never a 200 for a lost message."""
    _client, cut, _restore, runtime = outage
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    runtime.settings = runtime.settings.with_(sms_spool_dir=str(blocker / "spool"))
    app = create_app(runtime.settings, runtime=runtime)
    cut()
    assert _sms(app.test_client(), settings, _sid("nowhere"), "tien thang nay").status_code == 503
