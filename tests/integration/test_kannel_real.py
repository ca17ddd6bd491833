"""SMS through a real Kannel (Debian's bearerbox and smsbox on loopback, Kannel's fake SMSC as the
carrier): a phone's message reaches /sms/kannel through the sms-service's get-url, the answer
goes through the outbox and sendsms to the fake SMSC, and the SMSC's delivery report comes back
through the dlr-url to the outbox row. Skipped, saying why, where Kannel is not installed."""
from __future__ import annotations

import time
import unicodedata
from urllib.parse import quote_from_bytes

import pytest
from sqlalchemy import select

from ansinh import create_app
from core.outbox.dispatch import Dispatcher
from core.models import Complaint, OutboxMessage
from tests import kannel_support as k
from tests.ussd_factories import LAI_AMOUNT_VI, LAI_PHONE, build_world
from ussd import make_senders
from ussd.kannel_sender import KannelSender

LAI_LOCAL = "0" + LAI_PHONE[3:]  # as a Vietnamese SMSC gives it: 0978451203
COMPLAINT = "Khiếu nại: chưa nhận được tiền tháng này"
WAIT = 20.0  # seconds before a step that should take a fraction of one counts as failed


@pytest.fixture(scope="module")
def kannel(tmp_path_factory):
    binaries = k.kannel_binaries()
    if binaries is None:
        pytest.skip(k.NOT_INSTALLED)
    running = k.start_kannel(tmp_path_factory.mktemp("kannel"), binaries)
    yield running
    running.stop()


@pytest.fixture
def settings(settings, kannel):
    return settings.with_(sms_provider="kannel", kannel_secret=k.KEY, kannel_sendsms_url=kannel.sendsms_url,
                          kannel_username=k.USER, kannel_password=k.PASSWORD, kannel_from=k.SHORT_NUMBER,
                          public_url=kannel.public_url)


@pytest.fixture
def served(runtime, kannel, sessions):
    build_world(sessions)
    kannel.serve(create_app(runtime.settings, runtime=runtime))
    while not kannel.sent.empty():  # nothing left over from another test
        kannel.sent.get_nowait()
    yield runtime
    kannel.serve(None)


def _eventually(read, what: str, kannel):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = read()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"{what} did not happen within {WAIT:.0f} s\n{kannel.logs()}")


def _replies(sessions) -> list[OutboxMessage]:
    with sessions() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reply")
                                    .order_by(OutboxMessage.id)))


def _send_queued(runtime, settings) -> int:
    senders = make_senders(settings, runtime.sessions, runtime.clock)
    assert isinstance(senders["sms"], KannelSender)
    return Dispatcher(runtime.sessions, senders, runtime.clock, settings).run_once()


def test_a_question_is_answered_through_kannel_and_its_report_reaches_the_outbox(kannel, served, settings):
    kannel.inject(f"{LAI_LOCAL} {k.SHORT_NUMBER} text Tiền tháng này về chưa")
    [reply] = _eventually(lambda: _replies(served.sessions), "the answer queued in the outbox", kannel)
    assert reply.address == LAI_PHONE and LAI_AMOUNT_VI in reply.text
    assert kannel.sent.empty()  # the get-url's empty body made Kannel send nothing itself

    assert _send_queued(served, settings) == 1
    sent = kannel.wait_for_sent(WAIT)
    assert (sent.sender, sent.receiver.lstrip("+"), sent.kind) == (k.SHORT_NUMBER, LAI_PHONE.lstrip("+"),
                                                                   "text")
    assert "750.000d" in sent.octets.decode()  # GSM-7: no diacritics (ANSINH_SMS_ENCODING=gsm7)

    row = _delivered(served, reply.id, kannel)
    assert row.provider_id == f"kannel:{reply.id}" and row.delivered_at is not None


def _delivered(runtime, outbox_id: int, kannel) -> OutboxMessage:
    """Waits for the fake SMSC's report (so none is left in flight for the next test)."""
    def delivered():
        with runtime.sessions() as session:
            row = session.get(OutboxMessage, outbox_id)
            return row if row.status == "delivered" else None

    return _eventually(delivered, "the delivery report in the outbox", kannel)


@pytest.mark.parametrize("line", [
    f"{LAI_LOCAL} {k.SHORT_NUMBER} text {COMPLAINT}",
    f"{LAI_LOCAL} {k.SHORT_NUMBER} ucs2 " + quote_from_bytes(COMPLAINT.encode("utf-16-be"), safe=""),
], ids=["gsm7", "ucs2"])
def test_each_coding_arrives_as_the_same_vietnamese_string(kannel, served, line):
    kannel.inject(line)

    def complaints():
        with served.sessions() as session:
            return list(session.scalars(select(Complaint.text)))

    assert _eventually(complaints, "the complaint filed", kannel) == [COMPLAINT]


def test_ucs2_answers_keep_their_diacritics(kannel, served, settings):
    kannel.inject(f"{LAI_LOCAL} {k.SHORT_NUMBER} text TC")
    [reply] = _eventually(lambda: _replies(served.sessions), "the answer queued in the outbox", kannel)
    assert _send_queued(served, settings.with_(sms_encoding="ucs2")) == 1
    sent = kannel.wait_for_sent(WAIT)
    text = sent.octets.decode("utf-16-be")  # the long answer comes in parts, each UCS-2
    assert "Nguyễn Thị Lài" in text and LAI_AMOUNT_VI + "đ" in text
    assert text == unicodedata.normalize("NFC", reply.text)
    _delivered(served, reply.id, kannel)
