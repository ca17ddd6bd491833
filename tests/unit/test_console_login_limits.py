"""Console sign-in limits as an attacker meets them: spraying one password over many usernames from
one address is refused with a 429 (Vietnamese, Retry-After, audited) before any password is
checked; another address still signs in; a username tried from many addresses is refused too;
successful sign-ins from one office address are never counted."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.models import AuditLog, Officer
from tests.console_support import THUAN_HOA, make_officer, sign_in

ATTACKER, OFFICE = "203.0.113.5", "198.51.100.7"


@pytest.fixture
def officers(sessions):
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
    return sessions


def from_address(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_password_spraying_from_one_address_gets_429_then_another_address_signs_in(app, officers):
    attacker = from_address(app.test_client(), ATTACKER)
    answers = [sign_in(attacker, f"can-bo-{n}", "Matkhau@2026") for n in range(12)]
    assert [r.status_code for r in answers[:10]] == [401] * 10
    limited = answers[10]
    assert limited.status_code == 429 and 0 < int(limited.headers["Retry-After"]) <= 60
    assert "Quá nhiều lần đăng nhập sai" in limited.get_data(as_text=True)
    # Even the right password is not looked at from that address now: no session, no failure counted.
    right = sign_in(attacker, "lan")
    assert right.status_code == 429 and attacker.get("/console/").status_code == 302
    with officers() as session:
        assert session.scalar(select(Officer.failed_logins).where(Officer.username == "lan")) == 0
        limited_rows = list(session.scalars(select(AuditLog).where(AuditLog.action == "login.limited")))
        assert len(limited_rows) == 3 and {r.detail["address"] for r in limited_rows} == {ATTACKER}
    office = from_address(app.test_client(), OFFICE)
    assert sign_in(office, "lan").status_code == 302
    assert "Xin chào" in office.get("/console/").get_data(as_text=True)


def test_one_username_tried_from_many_addresses_is_refused_for_everyone(app, officers):
    for n in range(10):
        assert sign_in(from_address(app.test_client(), f"192.0.2.{n + 1}"), "lan", "doan-mo-2026").status_code == 401
    fresh = sign_in(from_address(app.test_client(), "192.0.2.200"), "lan")
    assert fresh.status_code == 429 and "Retry-After" in fresh.headers
    # the per-account lockout of core.officers still happened on the way (5 wrong in a row)
    with officers() as session:
        assert session.scalar(select(Officer.locked_until).where(Officer.username == "lan")) is not None


def test_successful_sign_ins_from_one_office_address_are_not_counted(app, officers):
    office = from_address(app.test_client(), OFFICE)
    for _ in range(15):
        assert sign_in(office, "lan").status_code == 302
    with officers() as session:
        assert session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "login.limited")) == 0


def test_the_login_page_itself_is_never_limited(app, officers):
    attacker = from_address(app.test_client(), ATTACKER)
    for n in range(11):
        sign_in(attacker, f"x{n}", "sai")
    assert attacker.get("/console/login").status_code == 200


def _behind(client, proxy: str, forwarded_for: str):
    client.environ_base.update(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded_for)
    return client


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(runtime, officers):
    from ansinh import create_app

    runtime.settings = runtime.settings.with_(trusted_proxies=1)
    app = create_app(runtime.settings, runtime=runtime)
    attacker = _behind(app.test_client(), "127.0.0.1", ATTACKER)
    assert [sign_in(attacker, f"can-bo-{n}", "sai").status_code for n in range(11)][-1] == 429
    # the officers come through the same proxy, but from their own address: not caught by the attacker's limit
    assert sign_in(_behind(app.test_client(), "127.0.0.1", OFFICE), "lan").status_code == 302


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(app, officers):
    answers = [sign_in(_behind(app.test_client(), ATTACKER, f"10.0.0.{n}"), f"can-bo-{n}", "sai").status_code
               for n in range(11)]
    assert answers[-1] == 429  # every attempt counted against the address the server saw
