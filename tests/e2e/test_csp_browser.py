"""Under the Content-Security-Policy (self only), every console page works in chromium with no
violation: the scripts and styles come from static files, the indicators' period submits itself,
removing a guardian asks first. Every HTML response carries the protective headers."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import Complaint, Contact
from tests.e2e.test_console_browser import (
    browser,
    page,
    pytestmark,
    server,
    sign_in,
    ward,
)
from tests.support.console_support import THUAN_HOA
from tests.support.console_support import sign_in as sign_in_client

BORROWED_FIXTURES = (browser, page, server, ward, pytestmark)  # the console browser tests' own
HEADERS = {
    "content-security-policy": "default-src 'self'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@pytest.fixture
def complaint(ward):
    with ward.begin() as session:
        lai = session.scalar(select(Contact).where(Contact.role == "self"))
        row = Complaint(number="PA-2026-000001", beneficiary_id=lai.beneficiary_id, person_id=lai.person_id,
                        unit_code=THUAN_HOA, category="not_received", text="Tiền tháng 11 chưa về",
                        channel="sms", reply_to="+84978451203", status="new")
        session.add(row)
        session.flush()
        return row.id


def protected(response) -> bool:
    return all(value in (response.headers.get(name) or "") for name, value in HEADERS.items())


def test_every_console_page_works_under_the_policy(page, ward, complaint):
    sign_in(page, "lan")
    page.wait_for_selector("text=Xin chào")
    for path in ("/console/", "/console/imports", "/console/indicators", "/console/beneficiaries?q=Lài",
                 "/console/beneficiaries/BT4600001", "/console/broadcasts", "/console/broadcasts/new",
                 "/console/complaints", f"/console/complaints/{complaint}", "/console/dead-letters",
                 "/console/audit"):
        response = page.goto(path)
        assert response.status == 200 and protected(response), path
    # the filter form lays out from the stylesheet, not from a style attribute the policy blocks
    assert page.eval_on_selector("form .submit", "e => getComputedStyle(e).alignSelf") == "end"


def test_the_period_choice_submits_itself(page, ward):
    sign_in(page, "tinh")
    page.goto("/console/indicators?period=2026-10")
    with page.expect_navigation():
        page.select_option("#period", "2026-11")
    assert page.url.endswith("period=2026-11")


def test_removing_a_guardian_asks_first(page, ward):
    sign_in(page, "lan")
    page.goto("/console/beneficiaries/BT4600001")
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    page.click("form[data-confirm] button")
    assert questions == ["Gỡ người giám hộ này? Người này sẽ không nhận tin về đối tượng nữa."]
    assert page.locator("form[data-confirm]").count() == 1  # dismissed: nothing was removed


def test_html_json_and_static_answers_carry_the_headers(client, ward):
    sign_in_client(client, "lan")
    for path in ("/console/login", "/console/", "/console/static/console.js", "/healthz", "/console/nowhere"):
        assert protected(client.get(path)), path
