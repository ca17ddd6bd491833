"""The console in a real browser (Debian's chromium driven by Playwright), as a new officer uses
it: signing in (and a wrong password), an import with errors, a broadcast composed, refused for
self-approval, approved by the province and delivered, and the indicators. Screenshots go to
tests/artifacts/."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.outbox.dispatch import Dispatcher, SendResult
from core.models import OutboxMessage
from tests.browser_support import watch_console
from tests.console_support import (
    PASSWORD,
    THUAN_HOA,
    make_beneficiary,
    make_officer,
    make_payment,
)

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT = 60_000  # ms: a ceiling for slow shared machines, not a timing assertion

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason="Debian's chromium is not installed (make browser)"),
]


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def server(app):
    from werkzeug.serving import make_server

    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server, locale="vi-VN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT)
    tab = context.new_page()
    problems = watch_console(tab)  # a CSP violation (an inline handler or style) fails the test
    yield tab
    context.close()
    assert problems == [], problems


@pytest.fixture
def ward(sessions):
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
        make_officer(session, "tinh", "province", "46")
        lai = make_beneficiary(session, "BT4600001", "Nguyễn Thị Lài", THUAN_HOA, method="ewallet",
                               has_account=True,
                               provider="Viettel Money", phone="+84978451203", guardian_phone="+84905318246")
        make_payment(session, lai, "2026-10", "paid", "ewallet")
        make_payment(session, lai, "2026-11", "paid", "ewallet")
        tho = make_beneficiary(session, "BT4600002", "Hồ Văn Thọ", THUAN_HOA, provider="VNPost – VietinBank",
                               phone="+84382718345")
        make_payment(session, tho, "2026-11", "paid", "cash")
    return sessions


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/console/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


def sign_out(page) -> None:
    page.click("header.top form button")
    page.wait_for_selector("#username")


def outbox(sessions) -> list[OutboxMessage]:
    with sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.address)))


class DeliveringSms:
    """Stands in for Twilio: every message is accepted and delivered at once."""

    channel = "sms"

    def __init__(self):
        self.sent: list[str] = []

    def send(self, message: OutboxMessage) -> SendResult:
        self.sent.append(message.address)
        return SendResult(provider_id=f"fake-{message.id}", status="delivered")


def test_sign_in_with_a_wrong_then_the_right_password(page, ward):
    sign_in(page, "lan", "khong-dung")
    assert "Sai tên đăng nhập hoặc mật khẩu." in page.inner_text("#login-error")
    shot(page, "login-wrong-password")
    sign_in(page, "lan")
    page.wait_for_selector("text=Xin chào")
    assert "Nhập dữ liệu" in page.inner_text("header.top nav")
    shot(page, "home")


def test_an_import_with_errors_shows_the_report(page, ward, tmp_path):
    bad = tmp_path / "danh-sach-loi.csv"
    bad.write_text(
        "Mã đối tượng,Họ và tên,Ngày sinh,Giới tính,Mã xã,Diện đối tượng,Số tiền hàng tháng,Hình thức "
        "nhận,Số điện thoại\n"
        "HUE-0301,Lê Thị Một,12/05/1941,Nữ,19786,NCT_80,500.000,Tiền mặt,0912345691\n"
        "HUE-0306,Trần Văn Sai,31/02/1940,Nam,19786,NCT_80,500.000,Tiền mặt,0912345696\n"
        "HUE-0307,Trần Văn Bảy,1938,Nam,19786,NCT_99,năm trăm,Séc,12345\n", encoding="utf-8")
    sign_in(page, "lan")
    page.goto("/console/imports")
    page.select_option("#kind", "beneficiaries")
    page.set_input_files("#file", str(bad))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector("#import-errors")  # the page polls the job and reloads when it is done
    errors = page.inner_text("#import-errors")
    assert "Ngày sinh" in errors and "Diện đối tượng" in errors
    assert page.inner_text("[data-count=created]") == "1"
    assert page.is_visible("#errors-csv")
    shot(page, "import-errors")


def test_a_broadcast_from_composition_to_delivery(page, ward, runtime):
    from playwright.sync_api import expect

    sign_in(page, "lan")
    page.goto("/console/broadcasts/new")
    page.fill("#text", "Kính gửi {ho_ten}: tiền tháng {ky} đã chi trả. Mọi thắc mắc xin gọi cán bộ xã.")
    page.fill("#period", "2026-11") if page.get_attribute("#period", "type") != "month" else page.evaluate(
        "document.querySelector('#period').value = '2026-11'")
    page.click("#preview-button")
    page.wait_for_selector("#preview")
    assert "Sẽ có 3 người nhận (của 2 đối tượng)" in page.inner_text("#preview-count")
    assert "GSM-7" in page.inner_text("#preview")
    shot(page, "broadcast-preview")

    page.click("#create-button")
    page.wait_for_selector("#why-not")
    assert "không thể tự duyệt" in page.inner_text("#why-not")
    assert page.locator("#approve-button").count() == 0
    # Even a hand-made approval request from the author is refused by the server.
    status = page.evaluate("""async () => {
        const form = new FormData();
        form.append('csrf_token', document.querySelector('input[name=csrf_token]').value);
        const r = await fetch(location.pathname + '/approve', {method: 'POST', body: form});
        return (await r.text()).includes('không thể tự duyệt');
    }""")
    assert status is True and outbox(ward) == []
    shot(page, "broadcast-self-approval-refused")
    broadcast_path = page.url.split("127.0.0.1", 1)[1].split("/", 1)[1]

    sign_out(page)
    sign_in(page, "tinh")
    page.goto("/" + broadcast_path)
    page.click("#approve-button")
    page.wait_for_selector(".flash.ok")
    queued = outbox(ward)
    assert sorted(m.address for m in queued) == ["+84382718345", "+84905318246", "+84978451203"]
    assert all(m.status == "queued" for m in queued)

    sms = DeliveringSms()
    Dispatcher(runtime.sessions, {"sms": sms}, runtime.clock, runtime.settings).run_once(50)
    assert sorted(sms.sent) == ["+84382718345", "+84905318246", "+84978451203"]
    expect(page.locator("[data-field=delivered]").first).to_have_text("3", timeout=WAIT)  # the page polls
    assert page.inner_text("#delivery-status") == "Đã gửi xong"
    shot(page, "broadcast-delivered")
    with ward() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "delivered")
            )
            == 3
        )


def test_the_indicators_page(page, ward):
    sign_in(page, "tinh")
    page.goto("/console/indicators?period=2026-11")
    page.wait_for_selector("#unit-chart svg")
    assert "Chỉ số chi trả không dùng tiền mặt" in page.inner_text("h1")
    assert "Viettel Money" in page.inner_text("#by-provider")
    assert page.locator("#trend-chart polyline").count() == 1
    shot(page, "indicators")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename == "chi-so-2026-11.xlsx"
