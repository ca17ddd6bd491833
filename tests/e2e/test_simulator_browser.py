"""The phone simulator in a real headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright), served as in the demo (no SMS provider, a dispatcher sending to the simulator): dial
*384*46# on the keypad as a demo identity and read the answer on the screen; text the service
and see the reply with its size; receive a one-time code in the inbox after it was sent, and
register with it. Under the Content-Security-Policy, with no violation and no English shown."""
from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from ansinh import create_app
from ansinh.dispatching import start_dispatchers
from core.models import OutboxMessage
from tests.browser_support import english_in, watch_console
from tests.ussd_factories import build_world

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make browser)")]


@pytest.fixture
def server(runtime, sessions):
    build_world(sessions)
    runtime.settings = runtime.settings.with_(  # the demo, as `make run` serves it
        twilio_account_sid=None, twilio_auth_token=None, twilio_from=None, ussd_secret=None,
        scheduler_interval=0)
    app = create_app(runtime.settings, runtime=runtime)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    stop, dispatchers = start_dispatchers(runtime, 1)
    yield f"http://127.0.0.1:{http.server_port}"
    stop.set()
    for dispatcher in dispatchers:
        dispatcher.join(timeout=10)
    http.shutdown()


@pytest.fixture
def page(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        page = context.new_page()
        outside = []
        page.on("request",
                lambda request: None if request.url.startswith(server) else outside.append(request.url))
        problems = watch_console(page)
        response = page.goto(f"{server}/simulator")
        assert "default-src 'self'" in response.headers["content-security-policy"]
        yield page
        assert outside == [], f"the page fetched from elsewhere: {outside}"
        assert problems == [], problems
        assert english_in(page.inner_text("body")) == []
        browser.close()


def press(page, keys: str) -> None:
    for key in keys:
        page.click(f'.key.digit[data-key="{key}"]')


def test_dial_ussd_as_the_paid_beneficiary(page):
    from playwright.sync_api import expect

    page.select_option("#identity", "0978451203")
    screen = page.get_by_test_id("ussd-screen")
    press(page, "*384*46#")
    expect(page.get_by_test_id("ussd-entry")).to_have_text("*384*46#")
    page.click("#call")
    expect(screen).to_contain_text("1 Tien thang nay")
    expect(page.get_by_test_id("ussd-meter")).to_contain_text("/ 182 ký tự")
    press(page, "1")
    page.click("#call")
    expect(screen).to_contain_text("750.000d")
    assert len(screen.text_content()) <= 182
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "simulator_ussd.png"), full_page=True)
    page.click("#end")
    expect(screen).to_contain_text("*384*46#")


def sent_codes(sessions) -> int:
    """One-time codes the demo's dispatcher has sent (and so removed from the outbox)."""
    with sessions() as session:
        return len(session.scalars(select(OutboxMessage.id).where(OutboxMessage.kind == "otp",
                                                                  OutboxMessage.status == "delivered")).all())


def test_text_the_service_and_get_a_code_in_the_inbox(page, sessions):
    from playwright.sync_api import expect

    page.fill("#phone", "0909123000")  # a stranger registers for Nguyễn Thị Lài
    page.dispatch_event("#phone", "change")
    page.fill("#sms-text", "DK BT4600001 12/03/1951")
    expect(page.get_by_test_id("sms-meter")).to_contain_text("23 ký tự · 1 tin nhắn (GSM-7)")
    page.click("#sms-send")
    thread = page.get_by_test_id("sms-thread")
    expect(thread.locator("li.them")).to_contain_text("1203")
    deadline = time.monotonic() + 60  # a ceiling for a slow machine; it is sent within a second
    while not sent_codes(sessions) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sent_codes(sessions) == 1
    page.select_option("#identity", "0978451203")  # her phone on file receives the code
    inbox = page.get_by_test_id("sms-inbox")
    expect(inbox.locator("li").first).to_contain_text(re.compile(r"\b\d{6}\b"))
    code = re.search(r"\b(\d{6})\b", inbox.locator("li").first.inner_text()).group(1)
    page.fill("#phone", "0909123000")  # the stranger types the code she read to him
    page.dispatch_event("#phone", "change")
    page.fill("#sms-text", code)
    page.click("#sms-send")
    expect(thread.locator("li.them").last).to_contain_text("Lai")
    page.select_option("#identity", "0978451203")
    page.fill("#sms-text", "tiền tháng ni về chưa")
    expect(page.get_by_test_id("sms-meter")).to_contain_text("UCS-2")
    page.click("#sms-send")
    expect(thread.locator("li.them").last).to_contain_text("750.000")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "simulator_sms.png"), full_page=True)
