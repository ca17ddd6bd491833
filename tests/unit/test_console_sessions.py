"""Ending console sessions. Signing out, a new password (the officer's own in the console, or one set
with `ansinh officer password`) and `ansinh officer disable` end every session of the officer: a
cookie copied earlier (a stolen one, or another browser's) opens nothing afterwards."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import AuditLog
from tests.console_support import PASSWORD, post, sign_in

NEW_PASSWORD = "mat-khau-moi-2027"


def signed_in(app):
    browser = app.test_client()
    assert sign_in(browser, "lan").status_code == 302
    return browser


def copy_of(app, browser):
    """Another client replaying the browser's session cookie exactly as it is now."""
    thief = app.test_client()
    thief.set_cookie("session", browser.get_cookie("session").value)
    return thief


def sent_to_sign_in(client, path: str = "/console/beneficiaries") -> bool:
    response = client.get(path)
    return response.status_code == 302 and response.headers["Location"].startswith("/console/login")


def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(app, officers):
    browser, other_browser = signed_in(app), signed_in(app)
    thief = copy_of(app, browser)
    assert thief.get("/console/beneficiaries").status_code == 200  # the copy works while the session lives
    assert post(browser, "/console/logout").status_code == 302
    assert sent_to_sign_in(thief) and sent_to_sign_in(browser)
    assert sent_to_sign_in(other_browser)  # every session of the officer ends
    assert "Đăng nhập" in thief.get("/console/login").get_data(as_text=True)
    assert sign_in(app.test_client(), "lan").status_code == 302  # signing in again works


def test_a_new_password_ends_every_other_session_and_keeps_this_one(app, officers):
    browser, other_browser = signed_in(app), signed_in(app)
    thief = copy_of(app, browser)
    changed = post(browser, "/console/password", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert changed.status_code == 302
    assert "Đã đổi mật khẩu" in browser.get("/console/").get_data(as_text=True)  # this browser goes on
    assert sent_to_sign_in(other_browser) and sent_to_sign_in(thief)
    assert sign_in(app.test_client(), "lan").status_code == 401
    assert sign_in(app.test_client(), "lan", NEW_PASSWORD).status_code == 302
    with officers() as session:
        assert (
            session.scalar(select(AuditLog.actor).where(AuditLog.action == "password.change"))
            == "officer:lan"
        )


@pytest.mark.parametrize("current, new, again, message", [
    ("sai-mat-khau", NEW_PASSWORD, NEW_PASSWORD, "Mật khẩu hiện tại không đúng."),
    (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "Hai lần nhập mật khẩu mới không giống nhau."),
    (PASSWORD, "ngan", "ngan", "Mật khẩu phải có ít nhất 8 ký tự."),
])
def test_a_refused_password_change_changes_nothing(app, officers, current, new, again, message):
    browser, other_browser = signed_in(app), signed_in(app)
    refused = post(browser, "/console/password", {
        "current_password": current, "new_password": new, "new_password_again": again})
    assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    assert browser.get("/console/").status_code == 200 and other_browser.get("/console/").status_code == 200
    assert sign_in(app.test_client(), "lan").status_code == 302


def test_the_password_page_needs_a_session_and_its_form_a_token(app, officers):
    assert sent_to_sign_in(app.test_client(), "/console/password")
    browser = signed_in(app)
    assert "Mật khẩu hiện tại" in browser.get("/console/password").get_data(as_text=True)
    forged = browser.post("/console/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD})
    assert forged.status_code == 400 and sign_in(app.test_client(), "lan").status_code == 302


def test_a_password_set_by_an_administrator_ends_every_session(app, officers, cli):
    browser = signed_in(app)
    result = cli("officer", "password", "lan", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Đã đặt mật khẩu mới cho lan" in result.output
    assert sent_to_sign_in(browser)
    assert sign_in(app.test_client(), "lan", NEW_PASSWORD).status_code == 302


def test_disabling_ends_every_session_and_enabling_brings_none_back(app, officers, cli):
    browser = signed_in(app)
    thief = copy_of(app, browser)
    assert cli("officer", "disable", "lan").exit_code == 0
    assert sent_to_sign_in(browser)
    refused = sign_in(app.test_client(), "lan")
    assert refused.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu." in refused.get_data(as_text=True)
    enabled = cli("officer", "enable", "lan")
    assert enabled.exit_code == 0 and "Đã mở lại tài khoản lan" in enabled.output
    assert sent_to_sign_in(thief)  # the old cookie stays dead
    assert sign_in(app.test_client(), "lan").status_code == 302
    with officers() as session:
        actions = set(session.scalars(select(AuditLog.action).where(AuditLog.actor == "cli")))
        assert {"officer.disable", "officer.enable"} <= actions


def test_an_unknown_account_is_named_on_the_command_line(cli, officers):
    result = cli("officer", "disable", "khong-co-ai")
    assert result.exit_code == 1 and "Không có tài khoản cán bộ khong-co-ai." in result.output
