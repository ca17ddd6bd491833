"""The phone simulator's own endpoints: the page, a USSD step, an SMS turn, the SMS cost and the
inbox read from the outbox; and that it is off where any SMS provider is configured."""
from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select

from ansinh import create_app
from core.outbox.dispatch import REDACTED_OTP, Dispatcher
from core.models import OutboxMessage
from core.outbox.writes import enqueue
from core.privacy.erase import ERASED_TEXT
from core.settings import Settings
from tests.ussd_factories import LAI_AMOUNT_VI, LAI_PHONE, STRANGER_PHONE, build_world
from ussd.sms_provider import SHOWN_CODE_KEY

NO_TWILIO = {"twilio_account_sid": None, "twilio_auth_token": None, "twilio_from": None}


@pytest.fixture
def sim(runtime, sessions):
    build_world(sessions)
    runtime.settings = runtime.settings.with_(simulator="on")
    return create_app(runtime.settings, runtime=runtime).test_client()


def test_simulator_is_off_where_twilio_is_configured(client):
    assert client.get("/simulator").status_code == 404
    assert client.post("/simulator/ussd",
                       json={"phone": LAI_PHONE, "session": "x", "text": "1"}).status_code == 404


def test_simulator_is_on_in_the_demo(runtime):
    runtime.settings = runtime.settings.with_(**NO_TWILIO)
    assert create_app(runtime.settings, runtime=runtime).test_client().get("/simulator").status_code == 200


@pytest.mark.parametrize("provider", [{"twilio_account_sid": "AC" + "1" * 32}, {"twilio_auth_token": "t"},
                                      {"twilio_from": "+15005550006"},
                                      {"twilio_api_base_url": "http://127.0.0.1:9"}])
def test_any_twilio_setting_turns_the_automatic_simulator_off(runtime, provider):
    runtime.settings = runtime.settings.with_(**{**NO_TWILIO, **provider})
    client = create_app(runtime.settings, runtime=runtime).test_client()
    assert client.get("/simulator").status_code == 404
    assert client.post("/simulator/sms", json={"phone": LAI_PHONE, "text": "TC"}).status_code == 404


@pytest.mark.parametrize("variable", ["TWILIO_MESSAGING_SERVICE_SID", "KANNEL_SENDSMS_URL", "SMPP_HOST"])
def test_any_sms_gateway_variable_in_the_environment_turns_it_off(runtime, monkeypatch, variable):
    """Kannel and SMPP settings are read by their own senders; any of them set is a real SMS setup."""
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM", "ANSINH_SIMULATOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "x")
    from_env = Settings.from_env(env_file=None)
    runtime.settings = runtime.settings.with_(**NO_TWILIO,
                                              deployment=from_env.deployment)
    assert create_app(runtime.settings, runtime=runtime).test_client().get("/simulator").status_code == 404
    runtime.settings = runtime.settings.with_(simulator="on")  # said explicitly, it is on
    assert create_app(runtime.settings, runtime=runtime).test_client().get("/simulator").status_code == 200


def test_page_is_self_contained_and_vietnamese(sim):
    page = sim.get("/simulator").get_data(as_text=True)
    assert "Điện thoại mô phỏng AnSinh" in page and "*384*46#" in page
    assert "0978451203" in page  # a demo identity to choose
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing from elsewhere
    for asset in ("simulator.css", "simulator.js"):
        response = sim.get(f"/simulator/static/{asset}")
        assert response.status_code == 200 and b"http" not in response.get_data()


def test_ussd_step_shows_the_screen_and_counts_it(sim):
    start = sim.post("/simulator/ussd", json={"phone": "0978451203", "session": "s1", "text": ""}).get_json()
    assert start["end"] is False and start["screen"].startswith("Chao ba Nguyen Thi Lai")
    assert start["chars"] == len(start["wire"]) <= start["limit"] == 182
    answer = sim.post("/simulator/ussd",
                      json={"phone": "0978451203", "session": "s1", "text": "1"}).get_json()
    assert LAI_AMOUNT_VI in answer["screen"]


def test_sms_turn_answers_with_sizes(sim):
    data = sim.post("/simulator/sms", json={"phone": LAI_PHONE, "text": "tiền tháng ni về chưa"}).get_json()
    assert data["sent"]["encoding"] == "UCS-2"
    [reply] = data["replies"]
    assert (
        LAI_AMOUNT_VI in reply["text"]
        and reply["size"]["encoding"] == "GSM-7"
        and reply["size"]["segments"] <= 3
    )


@pytest.mark.parametrize("text, encoding, characters, segments", [
    ("tien thang nay ve chua", "GSM-7", 22, 1),
    ("tiền tháng này về chưa", "UCS-2", 22, 1),
    ("a" * 161, "GSM-7", 161, 2),
    ("ă" * 71, "UCS-2", 71, 2),
])
def test_size_counts_like_a_phone(sim, text, encoding, characters, segments):
    assert sim.post("/simulator/size", json={"text": text}).get_json() == {
        "encoding": encoding, "characters": characters, "segments": segments}


def test_one_time_code_shows_in_the_inbox_of_the_phone_on_file(sim):
    reply = sim.post("/simulator/sms",
                     json={"phone": STRANGER_PHONE, "text": "DK BT4600001 12/03/1951"}).get_json()
    assert "1203" in reply["replies"][0]["text"]
    assert sim.get(f"/simulator/inbox?phone={STRANGER_PHONE}").get_json()["messages"] == []
    [message] = sim.get("/simulator/inbox?phone=0978451203").get_json()["messages"]
    assert (
        message["kind"] == "otp"
        and message["status"] == "đang chờ gửi"
        and re.search(r"\b\d{6}\b", message["text"])
        and message["size"]["encoding"] == "GSM-7"
    )


@pytest.mark.parametrize("url, payload", [
    ("/simulator/ussd", {"session": "x", "text": "1"}),
    ("/simulator/ussd", {"phone": "abc", "session": "x"}),
    ("/simulator/sms", {"phone": LAI_PHONE, "text": "   "}),
    ("/simulator/sms", {}),
])
def test_bad_input_gets_a_vietnamese_message(sim, url, payload):
    response = sim.post(url, json=payload)
    assert response.status_code == 400 and response.get_json()["error"].startswith("Xin ")


@pytest.fixture
def demo(runtime, sessions):
    """The demo as `make run` serves it: no SMS provider, the simulator's sender, a dispatcher."""
    build_world(sessions)
    runtime.settings = runtime.settings.with_(**NO_TWILIO)
    return create_app(runtime.settings, runtime=runtime).test_client()


def dispatch(runtime) -> None:
    Dispatcher(runtime.sessions, runtime.senders, runtime.clock, runtime.settings).run_once()


def test_the_demos_one_time_code_stays_readable_in_the_inbox_once_sent(demo, runtime, sessions, caplog):
    """The dispatcher removes a sent code from the outbox within a second; the simulator's inbox
    still shows it, in Vietnamese, for its 5 minutes, so a demo user can finish registering."""
    caplog.set_level(logging.DEBUG)
    demo.post("/simulator/sms", json={"phone": STRANGER_PHONE, "text": "DK BT4600001 12/03/1951"})
    dispatch(runtime)
    with sessions() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "otp")).one()
    assert row.status == "delivered" and not re.search(r"\d{6}", row.text)  # the outbox keeps no code
    [message] = demo.get("/simulator/inbox?phone=0978451203").get_json()["messages"]
    code = re.search(r"\b(\d{6})\b", message["text"]).group(1)
    assert message["text"].startswith(f"AnSinh: ma {code} de dang ky") and message["status"] == "đã đến máy"
    assert code not in caplog.text
    reply = demo.post("/simulator/sms", json={"phone": STRANGER_PHONE, "text": code}).get_json()
    assert "Lai" in reply["replies"][0]["text"] and not re.search(r"\b\d{6}\b", reply["replies"][0]["text"])
    runtime.clock.advance(minutes=6)
    [expired] = demo.get("/simulator/inbox?phone=0978451203").get_json()["messages"][-1:]
    assert expired["text"] == "Đã gửi mã dùng một lần tới số này; mã đã hết hạn."


def test_without_the_simulator_the_code_is_kept_nowhere(runtime, sessions):
    build_world(sessions)
    runtime.settings = runtime.settings.with_(**NO_TWILIO, simulator="off")
    with sessions.begin() as session:
        enqueue(session, channel="sms", address=LAI_PHONE, text="AnSinh: ma 123456", kind="otp",
                key="otp-off")
    dispatch(runtime)
    with sessions() as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert row.status == "delivered" and "123456" not in row.text
    assert runtime.state.get(SHOWN_CODE_KEY % row.id) is None


def test_the_inbox_says_removed_texts_in_vietnamese(sim, sessions):
    with sessions.begin() as session:
        for key, text, kind in (("a", REDACTED_OTP, "otp"), ("b", ERASED_TEXT, "reply")):
            enqueue(session, channel="sms", address=LAI_PHONE, text=text, kind=kind, key=key)
    shown = [m["text"] for m in sim.get(f"/simulator/inbox?phone={LAI_PHONE}").get_json()["messages"]]
    assert shown == ["Tin nhắn này đã bị xoá cùng dữ liệu cá nhân.",
                     "Đã gửi mã dùng một lần tới số này; mã đã hết hạn."]
