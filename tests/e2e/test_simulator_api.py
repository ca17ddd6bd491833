"""The phone simulator's own endpoints: the page, a USSD step, an SMS turn, the SMS cost and the
inbox read from the outbox; and that it is off where a real SMS provider is configured."""
from __future__ import annotations

import re

import pytest

from ansinh import create_app
from tests.ussd_factories import LAI_AMOUNT_VI, LAI_PHONE, STRANGER_PHONE, build_world


@pytest.fixture
def sim(runtime, sessions):
    build_world(sessions)
    runtime.settings = runtime.settings.with_(simulator="on")
    return create_app(runtime.settings, runtime=runtime).test_client()


def test_simulator_is_off_where_twilio_is_configured(client):
    assert client.get("/simulator").status_code == 404
    assert client.post("/simulator/ussd", json={"phone": LAI_PHONE, "session": "x", "text": "1"}).status_code == 404


def test_simulator_is_on_in_the_demo(runtime):
    runtime.settings = runtime.settings.with_(twilio_account_sid=None, twilio_auth_token=None)
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
    answer = sim.post("/simulator/ussd", json={"phone": "0978451203", "session": "s1", "text": "1"}).get_json()
    assert LAI_AMOUNT_VI in answer["screen"]


def test_sms_turn_answers_with_sizes(sim):
    data = sim.post("/simulator/sms", json={"phone": LAI_PHONE, "text": "tiền tháng ni về chưa"}).get_json()
    assert data["sent"]["encoding"] == "UCS-2"
    [reply] = data["replies"]
    assert LAI_AMOUNT_VI in reply["text"] and reply["size"]["encoding"] == "GSM-7" and reply["size"]["segments"] <= 3


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
    reply = sim.post("/simulator/sms", json={"phone": STRANGER_PHONE, "text": "DK BT4600001 12/03/1951"}).get_json()
    assert "1203" in reply["replies"][0]["text"]
    assert sim.get(f"/simulator/inbox?phone={STRANGER_PHONE}").get_json()["messages"] == []
    [message] = sim.get("/simulator/inbox?phone=0978451203").get_json()["messages"]
    assert message["kind"] == "otp" and message["status"] == "đang chờ gửi" and re.search(r"\b\d{6}\b", message["text"]) and message["size"]["encoding"] == "GSM-7"


@pytest.mark.parametrize("url, payload", [
    ("/simulator/ussd", {"session": "x", "text": "1"}),
    ("/simulator/ussd", {"phone": "abc", "session": "x"}),
    ("/simulator/sms", {"phone": LAI_PHONE, "text": "   "}),
    ("/simulator/sms", {}),
])
def test_bad_input_gets_a_vietnamese_message(sim, url, payload):
    response = sim.post(url, json=payload)
    assert response.status_code == 400 and response.get_json()["error"].startswith("Xin ")
