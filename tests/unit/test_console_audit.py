"""The audit log page: a province administrator reads everything, a commune officer their own
actions and disclosures about their unit's beneficiaries; filters by who, action and code."""
from __future__ import annotations

import pytest

from core.audit import record_disclosure
from tests.console_support import (
    PHU_VINH,
    THUAN_HOA,
    make_beneficiary,
    make_officer,
    sign_in,
)


@pytest.fixture
def log(sessions):
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
        make_officer(session, "tinh", "province", "46")
        ours = make_beneficiary(session, "BT001", "Nguyễn Thị Lài", THUAN_HOA)
        theirs = make_beneficiary(session, "BT002", "Lê Văn Lộc", PHU_VINH)
        record_disclosure(session, "sms:+84978451203", "disclose.payment_status", ours.id, "sms", {"period": "2026-11"})
        record_disclosure(session, "sms:+84912000002", "disclose.payment_amount", theirs.id, "sms", {})
    return sessions


def test_a_commune_officer_reads_their_units_disclosures(client, log):
    sign_in(client, "lan")
    page = client.get("/console/audit").get_data(as_text=True)
    assert "disclose.payment_status" in page and "BT001" in page
    assert "disclose.payment_amount" not in page and "BT002" not in page
    assert "login" in page, "their own sign-in is listed"


def test_the_province_reads_all_and_filters(client, log):
    sign_in(client, "tinh")
    page = client.get("/console/audit").get_data(as_text=True)
    assert "disclose.payment_status" in page and "disclose.payment_amount" in page
    filtered = client.get("/console/audit", query_string={"code": "BT002", "action": "disclose."}).get_data(as_text=True)
    assert "disclose.payment_amount" in filtered and "disclose.payment_status" not in filtered
    by_actor = client.get("/console/audit", query_string={"actor": "officer:lan"}).get_data(as_text=True)
    assert "disclose." not in by_actor
