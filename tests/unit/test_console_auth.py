"""Signing in to the console: argon2 passwords, a lockout after five failures, CSRF on forms,
cookies that scripts cannot read, and an audit row for each attempt."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import AuditLog, Officer
from tests.console_support import (
    PASSWORD,
    THUAN_HOA,
    csrf_token,
    make_officer,
    post,
    sign_in,
)


@pytest.fixture
def officers(sessions):
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
    return sessions


def test_the_login_page_speaks_vietnamese(client):
    page = client.get("/console/login").get_data(as_text=True)
    assert "Đăng nhập" in page and "Tên đăng nhập" in page and "Mật khẩu" in page
    assert 'lang="vi"' in page and "http://" not in page.replace("http://www.w3.org", "")


def test_pages_need_a_signed_in_officer(client):
    response = client.get("/console/indicators")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_a_right_password_signs_in_and_is_audited(client, officers):
    response = sign_in(client, "lan")
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/")
    home = client.get("/console/").get_data(as_text=True)
    assert "Xin chào" in home and "Đăng xuất" in home
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    with officers() as session:
        assert session.scalar(select(AuditLog.actor).where(AuditLog.action == "login")) == "officer:lan"


def test_a_wrong_password_is_refused_in_vietnamese(client, officers):
    response = sign_in(client, "lan", "sai-mat-khau")
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in response.get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    with officers() as session:
        row = session.scalar(select(AuditLog).where(AuditLog.action == "login.failed"))
        assert row.detail["username"] == "lan"


def test_five_failures_lock_the_account_for_fifteen_minutes(client, officers, clock):
    for _ in range(5):
        sign_in(client, "lan", "sai-mat-khau")
    locked = sign_in(client, "lan")
    assert locked.status_code == 401 and "15 phút" in locked.get_data(as_text=True)
    clock.advance(minutes=16)
    assert sign_in(client, "lan").status_code == 302
    with officers() as session:
        officer = session.scalar(select(Officer).where(Officer.username == "lan"))
        assert officer.failed_logins == 0 and officer.locked_until is None


def test_forms_without_the_csrf_token_are_refused(client, officers):
    response = client.post("/console/login", data={"username": "lan", "password": PASSWORD})
    assert response.status_code == 400 and "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    assert csrf_token(client)


def test_sign_out_ends_the_session(client, officers):
    sign_in(client, "lan")
    assert post(client, "/console/logout").status_code == 302
    assert client.get("/console/").status_code == 302


def test_a_changed_password_ends_open_sessions(client, officers):
    from core.officers import hash_password

    sign_in(client, "lan")
    with officers.begin() as session:
        session.scalar(select(Officer).where(Officer.username == "lan")).password_hash = hash_password("mat-khau-moi-123")
    assert client.get("/console/").status_code == 302


def test_only_console_paths_are_followed_after_sign_in(client, officers):
    response = client.post("/console/login?next=https://evil.example/", data={
        "username": "lan", "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.headers["Location"].endswith("/console/")


def test_secure_cookies_behind_https(runtime):
    from ansinh import create_app

    runtime.settings = runtime.settings.with_(public_url="https://ansinh.hue.gov.vn")
    app = create_app(runtime.settings, runtime=runtime)
    assert app.config["SESSION_COOKIE_SECURE"] is True
