"""The console on a phone (390 px wide, in chromium): every page, as a commune officer and as a
province administrator, fits the screen's width (a wide table scrolls inside its own box), and the
menu folds behind one button instead of filling the top of the screen. Screenshots of a few pages
go to tests/artifacts/console-phone-*.png."""
from __future__ import annotations

import pytest

from core.officers.accounts import DEMO_PASSWORD
from tests.conftest import TODAY
from tests.e2e.test_console_browser import (
    WAIT,
    browser,
    pytestmark,
    server,
    shot,
    sign_in,
)
from tests.support.console_support import sign_in as sign_in_client
from tests.support.console_walk import (
    COMMUNE,
    PROVINCE,
    build_walk,
    console_urls,
)

BORROWED_FIXTURES = (browser, server, pytestmark)  # the console browser tests' chromium and server
WIDTH = 390
DOWNLOADS = (".json", ".csv", ".xlsx", "/status", ".css", ".js")


@pytest.fixture
def walked(app, runtime):
    return build_walk(app, runtime, TODAY.date())


@pytest.fixture
def phone(browser, server):
    context = browser.new_context(base_url=server, locale="vi-VN", viewport={"width": WIDTH, "height": 844},
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(WAIT)
    tab = context.new_page()
    yield tab
    context.close()


def pages_of(app, walk, officer: str) -> list[str]:
    """One page per console route, one the officer may open where there is one; the beneficiary
    with the most on her page (messages, complaint, guardian) too."""
    client = app.test_client()
    sign_in_client(client, officer, DEMO_PASSWORD)
    opened: dict[str, str] = {}
    refused: dict[str, str] = {}
    for endpoint, url in console_urls(app, walk, officer):
        if url.endswith(DOWNLOADS) or endpoint in opened:
            continue
        if client.get(url).status_code == 200:
            opened[endpoint] = url
        else:
            refused.setdefault(endpoint, url)  # a refusal is a page too
    urls = list(opened.values()) + [url for endpoint, url in refused.items() if endpoint not in opened]
    return urls + ["/console/beneficiaries/BT4600001", "/console/beneficiaries?q=nguyen"]


@pytest.mark.parametrize("officer", [COMMUNE, PROVINCE])
def test_every_page_fits_a_phone(app, phone, walked, officer):
    urls = pages_of(app, walked, officer)
    sign_in(phone, officer, DEMO_PASSWORD)
    phone.wait_for_selector("text=Xin chào")
    wide = {}
    for url in urls:
        phone.goto(url)
        width = phone.evaluate("document.scrollingElement.scrollWidth")
        if width > WIDTH:
            wide[url] = width
    assert not wide, f"pages wider than {WIDTH} px: {wide}"
    assert len(urls) >= 12
    for name in ("audit", "imports", "indicators"):
        phone.goto(f"/console/{name}")
        shot(phone, f"phone-{officer.split('.')[0]}-{name}")


def test_the_menu_folds_behind_one_button(phone, walked):
    sign_in(phone, COMMUNE, DEMO_PASSWORD)
    phone.wait_for_selector("text=Xin chào")
    phone.wait_for_load_state("load")  # the stylesheet applied: the text can show before it, under load
    header = phone.locator("header.top")
    assert header.bounding_box()["height"] <= 64, "the folded menu is one line"
    assert not phone.is_visible("header.top nav >> text=Nhật ký truy cập")
    phone.click("text=Danh mục")
    phone.wait_for_selector("header.top nav >> text=Nhật ký truy cập")
    assert phone.is_visible("header.top >> text=Đăng xuất")
    shot(phone, "phone-menu-open")
    phone.click("header.top nav >> text=Khiếu nại")
    phone.wait_for_selector("h1 >> text=Khiếu nại")
    assert not phone.is_visible("header.top nav >> text=Nhật ký truy cập"), "the next page starts folded"
