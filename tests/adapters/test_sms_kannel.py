"""SMS through Kannel's HTTP side, called the way smsbox calls it: the sms-service's get-url
(`/sms/kannel?key=…&from=%p&to=%P&text=%a&coding=%c&charset=%C&id=%I`) and the dlr-url that
KannelSender gives each message (`/sms/kannel/dlr?key=…&outbox=<id>&status=%d`). Answers go
through the outbox (the HTTP body stays empty), sendsms is a local stand-in here (the real
Kannel is in tests/e2e/test_kannel_real.py)."""
from __future__ import annotations

import itertools
import json
import threading
import unicodedata
import uuid
from urllib.parse import parse_qs, quote, quote_from_bytes, urlsplit

import pytest
from sqlalchemy import func, select

from ansinh import create_app
from core.outbox.dispatch import Dispatcher, PermanentError, TemporaryError
from core.models import Complaint, Identity, OutboxMessage, Person, SeenMessage
from core.outbox.writes import enqueue
from tests.conftest import REDIS_URL
from tests.adapters.test_this_month_with_the_caller import statements, world
from tests.support.standins import Canned, StandIn
from tests.support.ussd_factories import LAI_AMOUNT_VI, LAI_PHONE
from ussd import make_senders
from ussd.kannel_sender import KannelSender
from ussd.sms_provider import SimulatorSender
from ussd.sms_providers import UnknownSmsProvider, chosen_sms_provider
from ussd.twilio_sender import TwilioSender

KEY = "test-kannel-key"
SENDSMS = "/cgi-bin/sendsms"
BORROWED_FIXTURES = (statements, world)  # every SQL statement any engine runs; the USSD test people
COMPLAINT = "Khiếu nại: chưa nhận được tiền tháng này"
RUN = uuid.uuid4().hex[:12]  # SMSC ids no earlier run used (Redis may remember those)
_ids = itertools.count(1)


@pytest.fixture
def sendsms():
    with StandIn() as api:
        api.route("GET", SENDSMS, Canned(202, "0: Accepted for delivery"))
        yield api


@pytest.fixture
def settings(settings, sendsms):
    return settings.with_(sms_provider="kannel", kannel_secret=KEY, kannel_sendsms_url=sendsms.url + SENDSMS,
                          kannel_username="ansinh", kannel_password="pw", kannel_from="8079")


def get_url(client, phone: str, text: bytes | str, *, coding: str = "0", charset: str = "UTF-8",
            sid: str | None = None, key: str | None = KEY, method: str = "GET", **extra):
    """What smsbox requests: each escape URL-encoded, the text as the octets it holds."""
    octets = text.encode() if isinstance(text, str) else text
    fields = {"from": phone.lstrip("+"), "to": "8079", "coding": coding, "charset": charset,
              "id": sid or f"kannel-{RUN}-{next(_ids)}"}
    if key is not None:
        fields["key"] = key
    query = "&".join(f"{name}={quote(value, safe='')}" for name, value in fields.items())
    query += "&text=" + quote_from_bytes(octets, safe="")
    if method == "POST":
        return client.post("/sms/kannel", data=query, content_type="application/x-www-form-urlencoded",
                           **extra)
    return client.get("/sms/kannel?" + query, **extra)


def answers(sessions, phone: str = LAI_PHONE) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(OutboxMessage.text).where(
            OutboxMessage.channel == "sms", OutboxMessage.address == phone, OutboxMessage.kind == "reply")
            .order_by(OutboxMessage.id)))


def send_all(runtime, settings) -> int:
    dispatcher = Dispatcher(runtime.sessions, make_senders(settings, runtime.sessions, runtime.clock),
                            runtime.clock, settings)
    return dispatcher.run_once()


def test_a_question_is_answered_through_the_outbox_with_an_empty_body(client, world, sessions):
    response = get_url(client, LAI_PHONE, "tiền tháng này về chưa")
    assert response.status_code == 200 and response.get_data() == b""
    [answer] = answers(sessions)
    assert LAI_AMOUNT_VI in answer


@pytest.mark.parametrize("octets, coding, charset", [
    (COMPLAINT.encode(), "0", "UTF-8"),  # GSM-7, which smsbox hands over as UTF-8
    (COMPLAINT.encode("utf-16-be"), "2", "UTF-16BE"),  # UCS-2
    (unicodedata.normalize("NFD", COMPLAINT).encode(), "0", "UTF-8"),  # accents as combining marks
    (COMPLAINT.encode("utf-16-be"), "2", ""),  # a get-url without %C
], ids=["gsm7-as-utf8", "ucs2", "utf8-decomposed", "ucs2-no-charset"])
def test_every_coding_arrives_as_the_same_vietnamese_string(client, world, sessions, octets, coding, charset):
    assert get_url(client, LAI_PHONE, octets, coding=coding, charset=charset).status_code == 200
    with sessions() as session:
        assert list(session.scalars(select(Complaint.text))) == [COMPLAINT]


def test_a_post_get_url_is_read_the_same(client, world, sessions):
    response = get_url(client, LAI_PHONE, COMPLAINT.encode("utf-16-be"), coding="2", charset="UTF-16BE",
                       method="POST")
    assert response.status_code == 200 and response.get_data() == b""
    with sessions() as session:
        assert list(session.scalars(select(Complaint.text))) == [COMPLAINT]


def test_a_redelivered_smsc_id_is_answered_once(client, world, sessions):
    for _ in range(3):
        assert get_url(client, LAI_PHONE, COMPLAINT, sid=f"smsc-same-{RUN}").status_code == 200
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Complaint)) == 1
        assert session.scalar(select(func.count()).select_from(SeenMessage)
                              .where(SeenMessage.message_id == f"smsc-same-{RUN}")) == 1
    assert len(answers(sessions)) == 1


def test_a_redelivered_smsc_id_is_answered_once_with_redis_keeping_the_ids(runtime, world, sessions):
    if not REDIS_URL:
        pytest.skip("ANSINH_TEST_REDIS_URL not set")
    runtime.settings = runtime.settings.with_(redis_url=REDIS_URL)
    client = create_app(runtime.settings, runtime=runtime).test_client()
    sid = f"smsc-redis-{uuid.uuid4().hex}"
    for _ in range(3):
        response = get_url(client, LAI_PHONE, COMPLAINT, sid=sid)
        assert response.status_code == 200 and response.get_data() == b""
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Complaint)) == 1
    assert len(answers(sessions)) == 1


def test_huy_opts_out_and_is_told_so(client, world, sessions):
    get_url(client, LAI_PHONE, "HUY")
    with sessions() as session:
        person = session.scalar(select(Person).join(Identity, Identity.person_id == Person.id)
                                .where(Identity.address == LAI_PHONE))
        assert person.opted_out
    assert "BAT" in answers(sessions)[-1]


@pytest.mark.parametrize("key", [None, "", "guess", KEY[:-1], KEY + " ", "khóa-sai"],
                         ids=["none", "empty", "wrong", "prefix", "suffix", "unicode"])
def test_a_missing_or_wrong_key_is_403_before_any_database_read(client, world, statements, key):
    for path in ("/sms/kannel", "/sms/kannel/dlr"):
        query = "from=84978451203&text=TC&id=x1&outbox=1&status=1"
        query += f"&key={quote(key)}" if key is not None else ""
        assert client.get(f"{path}?{query}").status_code == 403
        assert client.post(path, data=query,
                           content_type="application/x-www-form-urlencoded").status_code == 403
    assert statements == []


def test_without_kannel_secret_the_routes_do_not_exist(runtime, world, statements):
    runtime.settings = runtime.settings.with_(kannel_secret=None)
    client = create_app(runtime.settings, runtime=runtime).test_client()
    assert get_url(client, LAI_PHONE, "TC").status_code == 404
    assert client.get(f"/sms/kannel/dlr?key={KEY}&outbox=1&status=1").status_code == 404
    assert statements == []


@pytest.mark.parametrize("address, status", [("10.1.2.3", 200), ("192.0.2.9", 403)])
def test_only_the_kannel_hosts_may_call_when_listed(runtime, world, address, status):
    runtime.settings = runtime.settings.with_(kannel_allowed_ips="10.0.0.0/8")
    client = create_app(runtime.settings, runtime=runtime).test_client()
    assert get_url(client, LAI_PHONE, "TC", environ_base={"REMOTE_ADDR": address}).status_code == status


def test_an_unreadable_allow_list_stops_the_start_in_one_vietnamese_line(runtime):
    runtime.settings = runtime.settings.with_(kannel_allowed_ips="10.0.0.0/33")
    with pytest.raises(ValueError, match="KANNEL_ALLOWED_IPS=10.0.0.0/33"):
        create_app(runtime.settings, runtime=runtime)


def test_a_message_without_a_sender_is_400(client, world, sessions):
    assert client.get(f"/sms/kannel?key={KEY}&text=TC&id=x2").status_code == 400
    assert answers(sessions) == []


# -- sending and delivery reports -------------------------------------------------------------

def _queued(sessions, text: str = "Tiền tháng 11/2026 đã về", key: str = "k-1") -> int:
    with sessions.begin() as session:
        return enqueue(session, channel="sms", address=LAI_PHONE, text=text, kind="notification", key=key).id


def _report(client, outbox_id: int, status: int, key: str = KEY):
    return client.get(f"/sms/kannel/dlr?key={key}&outbox={outbox_id}&status={status}")


def _row(sessions, outbox_id: int) -> OutboxMessage:
    with sessions() as session:
        return session.get(OutboxMessage, outbox_id)


@pytest.mark.parametrize("encoding, coding, text", [("gsm7", None, "Tien thang 11/2026 da ve"),
                                                     ("ucs2", "2", "Tiền tháng 11/2026 đã về")])
def test_sendsms_gets_what_kannel_expects(runtime, settings, sessions, sendsms, encoding, coding, text):
    outbox_id = _queued(sessions)
    settings = settings.with_(sms_encoding=encoding, kannel_smsc="viettel")
    assert send_all(runtime, settings) == 1
    [request] = sendsms.requests
    query = {name: values[-1] for name, values in request.query.items()}
    assert (query["username"], query["password"], query["from"], query["to"]) == ("ansinh", "pw", "8079",
                                                                                  LAI_PHONE)
    assert query["text"] == text and query.get("coding") == coding and query["charset"] == "UTF-8"
    assert query["smsc"] == "viettel" and query["dlr-mask"] == "27"
    dlr = urlsplit(query["dlr-url"])
    assert f"{dlr.scheme}://{dlr.netloc}{dlr.path}" == "http://testserver/sms/kannel/dlr"
    assert parse_qs(dlr.query) == {"key": [KEY], "outbox": [str(outbox_id)], "status": ["%d"]}
    row = _row(sessions, outbox_id)
    assert (row.status, row.provider_id) == ("sent", f"kannel:{outbox_id}")


def test_delivery_reports_reach_the_outbox_and_the_stats(runtime, settings, sessions, client, cli):
    delivered, rejected = _queued(sessions, key="k-1"), _queued(sessions, key="k-2")
    assert send_all(runtime, settings) == 2
    assert _report(client, delivered, 8).status_code == 200
    assert _row(sessions, delivered).status == "sent"  # accepted by the SMSC, not yet on the phone
    assert _report(client, delivered, 1).status_code == 200
    assert _report(client, delivered, 8).status_code == 200  # a late "accepted" never undoes "delivered"
    assert _report(client, rejected, 16).status_code == 200
    row = _row(sessions, delivered)
    assert row.status == "delivered" and row.delivered_at is not None
    row = _row(sessions, rejected)
    assert row.status == "failed" and "16" in row.last_error
    stats = json.loads(cli("notifications", "stats", "--json").output)
    [sms] = [line for line in stats["channels"] if line["channel"] == "sms"]
    assert (sms["delivered"], sms["failed"]) == (1, 1)


def test_a_report_with_a_wrong_key_changes_nothing(runtime, settings, sessions, client):
    outbox_id = _queued(sessions)
    send_all(runtime, settings)
    assert _report(client, outbox_id, 1, key="guess").status_code == 403
    assert _row(sessions, outbox_id).status == "sent"


@pytest.mark.parametrize("query", ["outbox=abc&status=1", "outbox=1&status=3", "outbox=1", "status=1",
                                   "outbox=%C2%B2&status=1", "outbox=1&status=%C2%B9",
                                   "outbox=99999999999&status=1",
                                   "outbox=-1&status=1"])
def test_an_unreadable_report_is_400(client, query):
    assert client.get(f"/sms/kannel/dlr?key={KEY}&{query}").status_code == 400


def test_a_report_for_another_providers_message_is_ignored(client, sessions):
    outbox_id = _queued(sessions)
    with sessions.begin() as session:
        row = session.get(OutboxMessage, outbox_id)
        row.status, row.provider_id = "sent", "SM" + "1" * 32
    assert _report(client, outbox_id, 2).status_code == 200
    assert _row(sessions, outbox_id).status == "sent"


def test_a_report_that_outruns_the_send_is_kept(runtime, settings, sessions, sendsms, client):
    """smsbox may call the dlr-url before the dispatcher has recorded the send: the report stays."""
    outbox_id = _queued(sessions)
    lock = threading.Lock()

    def accept_after_delivering(_request):
        with lock:  # the SMSC's report arrives while sendsms has not answered yet
            assert _report(client, outbox_id, 1).status_code == 200
        return Canned(202, "0: Accepted for delivery")

    sendsms.route("GET", SENDSMS, accept_after_delivering)
    assert send_all(runtime, settings) == 1
    row = _row(sessions, outbox_id)
    assert (row.status, row.provider_id, row.attempts) == ("delivered", f"kannel:{outbox_id}", 1)
    assert row.sent_at is not None and row.delivered_at is not None


@pytest.mark.parametrize("status, body, error", [
    (503, "Temporal failure, try again later.", TemporaryError),
    (403, "Authorization failed for sendsms", TemporaryError),
    (400, "Sender missing and no global set, rejected", PermanentError)])
def test_sendsms_refusals_become_retries_or_failures(settings, sessions, sendsms, status, body, error):
    sendsms.route("GET", SENDSMS, Canned(status, body))
    with sessions() as session:
        message = session.get(OutboxMessage, _queued(sessions))
    with pytest.raises(error, match=str(status)):
        KannelSender(settings).send(message)


def test_an_unreachable_kannel_is_a_retry(settings, sessions):
    from tests.support.processes import free_port

    with sessions() as session:
        message = session.get(OutboxMessage, _queued(sessions))
    sender = KannelSender(settings.with_(kannel_sendsms_url=f"http://127.0.0.1:{free_port()}{SENDSMS}"))
    with pytest.raises(TemporaryError, match="unreachable"):
        sender.send(message)


# -- which provider sends ----------------------------------------------------------------------

def test_the_provider_is_chosen_by_name_else_by_what_is_configured(settings, sessions, clock):
    assert chosen_sms_provider(settings) == "kannel"
    assert isinstance(make_senders(settings, sessions, clock)["sms"], KannelSender)
    assert chosen_sms_provider(settings.with_(sms_provider="twilio")) == "twilio"
    assert isinstance(make_senders(settings.with_(sms_provider="simulator"), sessions, clock)["sms"],
                      SimulatorSender)
    unnamed = settings.with_(sms_provider="")
    # Both set: Twilio, as before
    assert isinstance(make_senders(unnamed, sessions, clock)["sms"], TwilioSender)
    only_kannel = unnamed.with_(twilio_account_sid=None, twilio_auth_token=None, twilio_from=None)
    assert chosen_sms_provider(only_kannel) == "kannel"
    assert chosen_sms_provider(only_kannel.with_(kannel_sendsms_url=None)) == "simulator"


def test_an_unknown_provider_is_named_in_vietnamese(settings):
    with pytest.raises(UnknownSmsProvider,
                       match="ANSINH_SMS_PROVIDER=pigeon.*twilio, kannel, smpp, simulator"):
        chosen_sms_provider(settings.with_(sms_provider="Pigeon"))


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["worker", "--once"]])
@pytest.mark.parametrize("variable, value",
                         [("ANSINH_SMS_PROVIDER", "pigeon"), ("ANSINH_SMS_PROVIDER", "kannel"),
                                             ("KANNEL_ALLOWED_IPS", "10.0.0.0/33")])
def test_unreadable_sms_settings_stop_the_start_in_one_line(runtime, monkeypatch, command, variable, value):
    from click.testing import CliRunner

    from ansinh.cli import main

    monkeypatch.setenv("ANSINH_DATABASE_URL", runtime.settings.database_url)
    monkeypatch.setenv("ANSINH_IDENTIFIER_KEY", "test-identifier-key")
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    if value == "kannel":  # named but not configured: says what is missing
        assert "kannel" in result.output
        assert "KANNEL_SENDSMS_URL, KANNEL_USERNAME, KANNEL_SECRET" in result.output
    else:
        assert f"{variable}={value}" in result.output


def test_a_kannel_chosen_for_its_sendsms_but_without_its_secret_stops_the_start(settings):
    from ussd.sms_providers import check_sms_provider

    unnamed = settings.with_(sms_provider="", twilio_account_sid=None, kannel_secret=None)
    with pytest.raises(UnknownSmsProvider, match="kannel.*KANNEL_SECRET"):
        check_sms_provider(unnamed)
    check_sms_provider(unnamed.with_(kannel_secret=KEY))  # complete: no complaint
