"""Outgoing SMS through the twilio SDK against a local stand-in of Twilio's API: the request
Twilio would get, how its errors become retries or failures, `ansinh worker` sending queued rows,
and one-time codes of a USSD registration really leaving through Twilio."""
from __future__ import annotations

import re
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from ansinh.dispatching import build_senders
from core.outbox.dispatch import Dispatcher, PermanentError, TemporaryError
from core.models import OutboxMessage
from core.outbox.writes import enqueue
from tests.standins import Canned, StandIn
from tests.standins.twilio import MESSAGES_PATH, twilio_standin
from tests.ussd_factories import (
    LAI_PHONE,
    STRANGER_PHONE,
    USSD_AUTH,
    ansinh_command,
    build_world,
    worker_env,
)
from ussd import make_senders
from ussd.sms_provider import SimulatorSender
from ussd.twilio_sender import TwilioSender


@pytest.fixture
def twilio_api():
    standin, _messages = twilio_standin()
    yield standin
    standin.stop()


def _message(sessions, key: str = "k-1", text: str = "Tiền tháng 11/2026 đã về",
             address: str = LAI_PHONE) -> OutboxMessage:
    with sessions.begin() as session:
        return enqueue(session, channel="sms", address=address, text=text, kind="notification", key=key)


def test_send_posts_what_twilio_expects(settings, sessions, twilio_api):
    sender = TwilioSender(settings.with_(twilio_api_base_url=twilio_api.url))
    result = sender.send(_message(sessions, key="notify:42:+84978451203"))
    assert result.provider_id.startswith("SM") and result.status == "sent"
    [request] = twilio_api.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{settings.twilio_account_sid}/Messages.json"
    assert request.header("Authorization").startswith("Basic ")
    form = request.form
    assert form["To"] == LAI_PHONE and form["From"] == settings.twilio_from
    assert form["Body"] == "Tien thang 11/2026 da ve"  # GSM-7: no diacritics
    callback = urlsplit(form["StatusCallback"])
    assert f"{callback.scheme}://{callback.netloc}{callback.path}" == "http://testserver/sms/twilio/status"
    assert parse_qs(callback.query)["ik"] == ["notify:42:+84978451203"]


def test_messaging_service_sid_is_used_when_configured(settings, sessions, twilio_api):
    sender = TwilioSender(settings.with_(twilio_api_base_url=twilio_api.url, twilio_from="MG" + "2" * 32))
    sender.send(_message(sessions))
    form = twilio_api.requests[0].form
    assert form["MessagingServiceSid"] == "MG" + "2" * 32 and "From" not in form


@pytest.mark.parametrize("status, body, headers, expected, opt_out, retry_after", [
    (400, {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}, {}, PermanentError, False,
     None),
    (400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400}, {},
     PermanentError, True, None),
    (429, {"code": 20429, "message": "Too Many Requests", "status": 429}, {"Retry-After": "7"},
     TemporaryError, None, 7.0),
    (503, {"code": 20503, "message": "Service Unavailable", "status": 503}, {}, TemporaryError, None, None),
    (500, "<html>oops</html>", {}, TemporaryError, None, None),
])
def test_provider_errors_become_retries_or_failures(settings, sessions, status, body, headers, expected,
                                                    opt_out, retry_after):
    with StandIn() as api:
        api.route("POST", MESSAGES_PATH, Canned(status, body, headers))
        sender = TwilioSender(settings.with_(twilio_api_base_url=api.url))
        with pytest.raises(expected) as caught:
            sender.send(_message(sessions))
    if expected is PermanentError:
        assert caught.value.opt_out is opt_out
    else:
        assert caught.value.retry_after == retry_after


def test_unreachable_provider_is_temporary(settings, sessions):
    api = StandIn().start()
    url = api.url
    api.stop()
    with pytest.raises(TemporaryError):
        TwilioSender(settings.with_(twilio_api_base_url=url), timeout=2).send(_message(sessions))


def test_without_credentials_the_simulator_sends(settings, sessions):
    senders = make_senders(settings.with_(twilio_account_sid=None), sessions, None)
    assert isinstance(senders["sms"], SimulatorSender)
    result = senders["sms"].send(_message(sessions))
    assert result.provider_id.startswith("sim-") and result.status == "delivered"


def test_worker_process_sends_queued_rows_through_the_standin(database_url_for_run, sessions, twilio_api,
                                                              tmp_path):
    for index in range(5):
        _message(sessions, key=f"batch-{index}", text=f"Tin {index}")
    result = subprocess.run(ansinh_command("worker", "--once"), check=False, cwd=tmp_path,
                            capture_output=True,
                            text=True, timeout=120, env=worker_env(database_url_for_run, twilio_api.url))
    assert result.returncode == 0, result.stderr
    assert sorted(r.form["Body"] for r in twilio_api.requests) == [f"Tin {i}" for i in range(5)]
    with sessions() as session:
        rows = list(session.scalars(select(OutboxMessage)))
        assert {row.status for row in rows} == {"sent"} and all(
            row.provider_id.startswith("SM") for row in rows
        )
        # a --once run leases under its own host:pid id, never a name another worker could share
        assert all(row.claimed_by.endswith(":once") and row.claimed_by != "dispatcher" for row in rows)


def test_one_time_code_of_a_ussd_registration_arrives_through_twilio(runtime, client, sessions, twilio_api):
    build_world(sessions)
    runtime.settings = runtime.settings.with_(twilio_api_base_url=twilio_api.url)
    session_id = "reg-otp-1"

    def dial(text: str) -> str:
        return client.post("/ussd/africastalking",
                           data={"sessionId": session_id, "phoneNumber": STRANGER_PHONE,
                                                          "text": text},
                           headers=USSD_AUTH).get_data(as_text=True)

    dial("")
    dial("2")
    dial("2*BT4600001")
    asked = dial("2*BT4600001*12031951")
    assert asked.startswith("CON ") and "1203" in asked  # the masked phone on file
    Dispatcher(sessions, build_senders(runtime), runtime.clock, runtime.settings).run_once()
    [request] = twilio_api.requests
    assert request.form["To"] == LAI_PHONE  # her own phone on file, not the caller's
    code = re.search(r"\b(\d{6})\b", request.form["Body"]).group(1)
    done = dial(f"2*BT4600001*12031951*{code}")
    assert "Lai" in done
    menu = client.post("/ussd/africastalking", data={"sessionId": "after-reg", "phoneNumber": STRANGER_PHONE,
                                                     "text": "1"},
                       headers=USSD_AUTH).get_data(as_text=True)
    assert "750.000" in menu  # the caller is now her registered contact
