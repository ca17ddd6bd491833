"""USSD for gateways that send only the latest input (POST /ussd/session): the menu position is
kept server-side — in Redis when ANSINH_TEST_REDIS_URL is set, else in the database — and
expires after 180 seconds."""
from __future__ import annotations

import uuid

import pytest

from ansinh import create_app
from ansinh.runtime import Runtime
from core.presenters.ussd_menu import SESSION_TTL
from tests.conftest import REDIS_URL
from tests.ussd_factories import (
    LAI_AMOUNT_VI,
    LAI_PHONE,
    QUANG_PHONE,
    USSD_AUTH,
    build_world,
)


@pytest.fixture
def store_runtime(settings, clock, engine, sessions):
    app_runtime = Runtime(settings.with_(redis_url=REDIS_URL) if REDIS_URL else settings, clock)
    app_runtime.__dict__["engine"], app_runtime.__dict__["sessions"] = engine, sessions
    build_world(sessions)
    return app_runtime


@pytest.fixture
def client(store_runtime):
    return create_app(store_runtime.settings, runtime=store_runtime).test_client()


def send(client, session_id: str, value: str | None, phone: str = LAI_PHONE, as_json: bool = False) -> str:
    fields = {"sessionId": session_id, "phoneNumber": phone, "input": value}
    response = client.post("/ussd/session", json=fields, headers=USSD_AUTH) if as_json else client.post(
        "/ussd/session", data={k: v for k, v in fields.items() if v is not None}, headers=USSD_AUTH)
    body = response.get_data(as_text=True)
    assert (
        response.status_code == 200
        and body.startswith(("CON ", "END "))
        and len(body) <= 182
        and body.isascii()
    ), body
    return body


def test_latest_input_continues_from_the_kept_position(client):
    sid = f"gw-{uuid.uuid4().hex}"
    menu = send(client, sid, "")
    assert "1 " in menu
    assert LAI_AMOUNT_VI in send(client, sid, "1")
    assert send(client, sid, "0") == menu  # back to the menu: the position was kept
    assert LAI_AMOUNT_VI in send(client, sid, "1", as_json=True)


def test_guardian_path_over_several_requests(client):
    sid = f"gw-{uuid.uuid4().hex}"
    assert "Phan Van Loc" in send(client, sid, None, QUANG_PHONE)
    assert "Tran Thi Sen" in send(client, sid, "2", QUANG_PHONE)
    assert "500.000" in send(client, sid, "1", QUANG_PHONE)


def test_another_phone_cannot_continue_someone_elses_session(client):
    sid = f"gw-{uuid.uuid4().hex}"
    send(client, sid, "")
    send(client, sid, "1")
    stranger = send(client, sid, "1", phone="+84909123000")
    assert LAI_AMOUNT_VI not in stranger


def test_position_expires(client, store_runtime, clock):
    sid = f"gw-{uuid.uuid4().hex}"
    menu = send(client, sid, "")
    send(client, sid, "4")
    if REDIS_URL:
        ttl = store_runtime.state.client.ttl(store_runtime.state.prefix + "ussd:" + sid)
        assert 0 < ttl <= SESSION_TTL
        # As Redis does at expiry
        store_runtime.state.client.delete(store_runtime.state.prefix + "ussd:" + sid)
    else:
        clock.advance(seconds=SESSION_TTL + 1)
    assert send(client, sid, "1") == menu  # a new session starts at the menu


@pytest.mark.skipif(not REDIS_URL, reason="ANSINH_TEST_REDIS_URL not set")
def test_state_lives_in_redis(client, store_runtime):
    sid = f"gw-{uuid.uuid4().hex}"
    send(client, sid, "")
    assert store_runtime.state.client.exists(store_runtime.state.prefix + "ussd:" + sid)
