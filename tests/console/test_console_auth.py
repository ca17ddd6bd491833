"""Signing in to the console: argon2 passwords, five failures stop that address for that account,
CSRF on forms, cookies that scripts cannot read, and an audit row for each attempt."""
from __future__ import annotations

from sqlalchemy import select

from core.models import AuditLog
from tests.support.console_support import (
    PASSWORD,
    csrf_token,
    post,
    sign_in,
)


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


def test_five_failures_from_one_address_stop_that_address_for_fifteen_minutes(client, officers):
    for _ in range(5):
        assert sign_in(client, "lan", "sai-mat-khau").status_code == 401
    locked = sign_in(client, "lan")  # even the right password is not looked at from here now
    assert locked.status_code == 429 and "15 phút" in locked.get_data(as_text=True)
    assert 14 * 60 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert client.get("/console/").status_code == 302


def test_a_few_typing_mistakes_before_the_right_password_are_forgotten(client, officers):
    for _ in range(2):
        for _ in range(4):
            assert sign_in(client, "lan", "sai-mat-khau").status_code == 401
        assert sign_in(client, "lan").status_code == 302


def test_forms_without_the_csrf_token_are_refused(client, officers):
    response = client.post("/console/login", data={"username": "lan", "password": PASSWORD})
    assert response.status_code == 400 and "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    assert csrf_token(client)


def test_sign_out_ends_the_session(client, officers):
    sign_in(client, "lan")
    assert post(client, "/console/logout").status_code == 302
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
