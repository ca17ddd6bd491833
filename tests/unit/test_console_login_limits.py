"""Console sign-in limits as an attacker meets them, with the counts in the database and in Redis:
spraying one password over many usernames from one address is refused with a 429 (Vietnamese,
Retry-After, audited) before any password is checked; guessing one officer's password from one
address stops that address only, so nobody can lock an officer out from elsewhere; an unknown
username reads exactly like a wrong password; successful sign-ins from one office are never counted."""
from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from core.models import AuditLog
from tests.conftest import REDIS_URL
from tests.console_support import sign_in


@pytest.fixture(params=["database", "redis"])
def store(request, runtime):
    """Where the counts live. Redis outlives the test, so every test uses addresses of its own."""
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("ANSINH_TEST_REDIS_URL not set")
        runtime.settings = runtime.settings.with_(redis_url=REDIS_URL)
    return request.param


def address() -> str:
    """A fresh address of its own (documentation ranges are not routed; Redis keys stay apart)."""
    number = uuid.uuid4().int
    return f"10.{number % 250}.{number // 250 % 250}.{number // 62500 % 250 + 1}"


def from_address(client, where: str):
    client.environ_base["REMOTE_ADDR"] = where
    return client


def error_of(response) -> str:
    return re.search(r'id="login-error">([^<]*)<', response.get_data(as_text=True)).group(1)


def test_password_spraying_from_one_address_gets_429_then_another_address_signs_in(app, store, officers):
    attacker_address = address()
    attacker = from_address(app.test_client(), attacker_address)
    answers = [sign_in(attacker, f"can-bo-{n}", "Matkhau@2026") for n in range(12)]
    assert [r.status_code for r in answers[:10]] == [401] * 10
    limited = answers[10]
    assert limited.status_code == 429 and 0 < int(limited.headers["Retry-After"]) <= 60
    assert "Quá nhiều lần đăng nhập sai" in limited.get_data(as_text=True)
    # Even the right password is not looked at from that address now: no session.
    right = sign_in(attacker, "lan")
    assert right.status_code == 429 and attacker.get("/console/").status_code == 302
    with officers() as session:
        limited_rows = list(session.scalars(select(AuditLog).where(AuditLog.action == "login.limited")))
        assert len(limited_rows) == 3 and {r.detail["address"] for r in limited_rows} == {attacker_address}
    office = from_address(app.test_client(), address())
    assert sign_in(office, "lan").status_code == 302
    assert "Xin chào" in office.get("/console/").get_data(as_text=True)


def test_a_guesser_elsewhere_cannot_lock_the_officer_out(app, store, officers):
    attacker = from_address(app.test_client(), address())
    answers = [sign_in(attacker, "lan", f"doan-mo-{n}").status_code for n in range(7)]
    assert answers == [401] * 5 + [429] * 2  # that address is stopped for this account ...
    assert sign_in(attacker, "lan").status_code == 429  # ... right password included
    office = from_address(app.test_client(), address())
    assert sign_in(office, "lan").status_code == 302  # while the officer signs in at the office
    assert "Xin chào" in office.get("/console/").get_data(as_text=True)


def test_one_username_tried_from_many_addresses_never_locks_the_account(app, store, officers):
    for _ in range(3):
        attacker = from_address(app.test_client(), address())
        assert [sign_in(attacker, "lan", "doan-mo-2026").status_code for _ in range(6)][-1] == 429
    assert sign_in(from_address(app.test_client(), address()), "lan").status_code == 302


def test_an_unknown_name_reads_exactly_like_a_wrong_password(app, store, officers):
    known, unknown = from_address(app.test_client(), address()), from_address(app.test_client(), address())
    for _ in range(7):
        wrong = sign_in(known, "lan", "doan-mo-2026")
        missing = sign_in(unknown, "khong-co-ai", "doan-mo-2026")
        assert (wrong.status_code, error_of(wrong)) == (missing.status_code, error_of(missing))
        assert ("Retry-After" in wrong.headers) == ("Retry-After" in missing.headers)
    assert error_of(wrong).startswith("Quá nhiều lần đăng nhập sai")


def test_successful_sign_ins_from_one_office_address_are_not_counted(app, store, officers):
    office_address = address()
    for _ in range(15):
        assert sign_in(from_address(app.test_client(), office_address), "lan").status_code == 302
    with officers() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(AuditLog).where(AuditLog.action == "login.limited")
            )
            == 0
        )


def test_the_login_page_itself_is_never_limited(app, officers):
    attacker = from_address(app.test_client(), address())
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
    attacker, office = address(), address()
    assert [sign_in(_behind(app.test_client(), "127.0.0.1", attacker), f"can-bo-{n}", "sai").status_code
            for n in range(11)][-1] == 429
    # the officers come through the same proxy, but from their own address: not caught by the attacker's limit
    assert sign_in(_behind(app.test_client(), "127.0.0.1", office), "lan").status_code == 302
    # and the attacker's guesses at one account from behind the proxy stop only the attacker
    guesser = _behind(app.test_client(), "127.0.0.1", address())
    assert [sign_in(guesser, "lan", "sai-mat-khau").status_code for _ in range(6)][-1] == 429
    assert sign_in(_behind(app.test_client(), "127.0.0.1", office), "lan").status_code == 302


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(app, officers):
    attacker = address()
    answers = [sign_in(_behind(app.test_client(), attacker, f"10.0.0.{n}"), f"can-bo-{n}", "sai").status_code
               for n in range(11)]
    assert answers[-1] == 429  # every attempt counted against the address the server saw
