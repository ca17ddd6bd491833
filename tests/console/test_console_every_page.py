"""Every console page (each GET route, with every id the demo-like day produced), read as a commune
officer and as a province administrator would: no full phone number except to the commune officer
of the person's unit on that person's own pages, never a national ID or a full account number, and
no raw code, English word or login name where Vietnamese words and officers' names belong."""
from __future__ import annotations

import io
import re
import zipfile
from html import unescape
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from core.models import Beneficiary, Contact, Identity
from core.officers.accounts import DEMO_OFFICERS, DEMO_PASSWORD
from core.phones import normalize_phone
from tests.conftest import TODAY
from tests.support.console_support import sign_in
from tests.support.console_walk import (
    COMMUNE,
    COMMUNE_UNIT,
    PROVINCE,
    build_walk,
    console_urls,
    phones_on_file,
)

# Pages where the commune officer of the unit reads its people's phones in full (SECURITY.md).
FULL_PHONE_PAGES = {"console.beneficiary", "console.complaint"}
# Codes the database holds, as they leaked into pages: audit actions, complaint steps, statuses,
# where a consent came from, who acted. Lower-case and whole words, so Vietnamese text never matches.
RAW_WORDS = {"login", "logout", "created", "assigned", "replied", "resolved", "import", "cli", "console",
             "pending", "approved", "rejected", "cancelled", "queued", "delivered", "failed", "dead",
             "paid", "scheduled", "cash", "ewallet", "account", "guardian", "self", "authorised",
             "commune", "province", "scam", "fees", "other", "none", "true", "false", "None", "True",
             "False", "person", "officer", "subject", "query", "results", "count", "status", "period",
             "broadcast", "complaint", "beneficiary", "reply", "otp"}
RAW_PATTERNS = [
    re.compile(r"\b[a-z]+_[a-z_]+\b"),  # not_received, pending_approval, full_phones
    re.compile(r"\b(?:officer|sms|ussd|zalo|telegram|cli|console):\S"),  # actor names as stored
    re.compile(r"\b(?:import|broadcast|complaint|beneficiary|login|privacy|disclose|outbox|indicators|audit|"
               r"receipt|guardian|link|demo)\.[a-z_]+"),  # audit action codes
]

NUMBER = re.compile(r"\+?\d(?:[ .]?\d){8,}")  # a phone as any page could spell it: +84…, 0…, 0905 318 246
FIELD = re.compile(r"\{[a-z_]+\}")


class _Readable(HTMLParser):
    """What a person reads on a page: text outside scripts and styles, and the titles, labels and
    placeholders of elements."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def readable(html: str) -> str:
    parser = _Readable()
    parser.feed(html)
    return unescape(" ".join(parser.parts))


def body_text(response) -> str:
    """The response as text; an XLSX download as the XML inside it."""
    data = response.get_data()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return data.decode("utf-8", "replace")


@pytest.fixture
def walked(app, runtime):
    return build_walk(app, runtime, TODAY.date())


def _unit_phones(sessions, unit: str) -> set[str]:
    """Phones of the people who hear for the unit's beneficiaries."""
    with sessions() as session:
        people = select(Contact.person_id).join(Beneficiary, Beneficiary.id == Contact.beneficiary_id).where(
            Beneficiary.unit_code == unit)
        return set(session.scalars(select(Identity.address).where(Identity.kind == "phone",
                                                                  Identity.person_id.in_(people))))


def _pages(app, walk, officer: str):
    client = app.test_client()
    sign_in(client, officer, DEMO_PASSWORD)
    for endpoint, url in console_urls(app, walk, officer):
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        yield endpoint, url, response
        response.close()  # a static file is sent from an open file


@pytest.mark.parametrize("officer", [COMMUNE, PROVINCE])
def test_every_page_masks_numbers_and_speaks_vietnamese(app, runtime, walked, officer):
    phones = phones_on_file(runtime.sessions)
    assert {"+84978451203", "+84905318246"} <= phones, "the demo's people and the day's messages are on file"
    allowed = _unit_phones(runtime.sessions, COMMUNE_UNIT) if officer == COMMUNE else set()
    accounts = [a for a in walked.account_numbers if "+84" + a.lstrip("0") not in phones]
    logins = [username for username, *_ in DEMO_OFFICERS]
    seen, leaks, raw = set(), [], []
    for endpoint, url, response in _pages(app, walked, officer):
        seen.add(endpoint)
        text = body_text(response)
        shown_phones = {normalize_phone(number) for number in NUMBER.findall(text)}
        hidden = phones - allowed if endpoint in FULL_PHONE_PAGES else phones
        leaks += [(url, phone) for phone in shown_phones & hidden]
        leaks += [(url, secret) for secret in walked.national_ids + accounts if secret in text]
        if response.mimetype == "text/html":
            shown = FIELD.sub(" ", readable(text))  # {ho_ten}: the fields an officer types in a broadcast
            raw += [(url, word) for word in sorted(set(re.findall(r"[A-Za-z_]+", shown)) & RAW_WORDS)]
            raw += [(url, m.group(0)) for pattern in RAW_PATTERNS for m in pattern.finditer(shown)]
            raw += [(url, name) for name in logins if name in shown]
    assert not leaks, leaks[:20]
    assert not raw, raw[:30]
    assert {"console.audit_log", "console.complaint", "console.beneficiary", "console.broadcast_show",
            "console.dead_letter_list", "console.import_job", "console.import_errors_csv"} <= seen


def test_the_commune_officer_reads_their_own_peoples_phones(app, walked):
    client = app.test_client()
    sign_in(client, COMMUNE, DEMO_PASSWORD)
    complaint = client.get(f"/console/complaints/{walked.complaint_ids[0]}").get_data(as_text=True)
    assert "+84905318246" in complaint, "the officer who calls the person back sees the number"
    province = app.test_client()
    sign_in(province, PROVINCE, DEMO_PASSWORD)
    page = province.get(f"/console/complaints/{walked.complaint_ids[0]}").get_data(as_text=True)
    assert "SMS …8246" in readable(page) and "0905318246" not in page


def test_the_complaint_history_and_the_audit_log_speak_vietnamese(app, walked):
    client = app.test_client()
    sign_in(client, PROVINCE, DEMO_PASSWORD)
    history = readable(client.get(f"/console/complaints/{walked.complaint_ids[0]}").get_data(as_text=True))
    assert "Tiếp nhận" in history and "Chưa nhận được tiền" in history and "Giao xử lý" in history
    assert "Đã trả lời" in history and "Mai Thanh Nam" in history, "the officer by name, not login"
    home = readable(client.get("/console/").get_data(as_text=True))
    assert "Đăng nhập" in home and "Duyệt thông báo" in home
    commune = app.test_client()
    sign_in(commune, COMMUNE, DEMO_PASSWORD)
    imports = readable(commune.get("/console/imports").get_data(as_text=True))
    assert "Nhập danh sách đối tượng" in imports and "Mai Thanh Nam" in imports
    lai = readable(commune.get("/console/beneficiaries/BT4600001").get_data(as_text=True))
    assert "danh sách của xã" in lai
