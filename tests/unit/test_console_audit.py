"""The audit log page: a province administrator reads everything, a commune officer their own
actions and disclosures about their unit's beneficiaries; filters by who, action and code."""
from __future__ import annotations

import pytest

from core.privacy.audit import record_disclosure
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
        record_disclosure(session, "sms:+84978451203", "disclose.payment_status", ours.id, "sms",
                          {"period": "2026-11"})
        record_disclosure(session, "sms:+84912000002", "disclose.payment_amount", theirs.id, "sms", {})
    return sessions


STATUS, AMOUNT = "Được trả lời: tiền đã về chưa", "Được trả lời: số tiền"


def test_a_commune_officer_reads_their_units_disclosures(client, log):
    sign_in(client, "lan")
    page = client.get("/console/audit").get_data(as_text=True)
    assert STATUS in page and "BT001" in page and "SMS …1203" in page and "kỳ: 11/2026" in page
    assert AMOUNT not in page and "BT002" not in page
    assert "Đăng nhập" in page and "Lan" in page, "their own sign-in is listed, under their name"
    assert "+84978451203" not in page and "officer:" not in page


def test_the_province_reads_all_and_filters(client, log):
    sign_in(client, "tinh")
    page = client.get("/console/audit").get_data(as_text=True)
    assert STATUS in page and AMOUNT in page
    filtered = client.get("/console/audit", query_string={"code": "BT002", "action": "disclose"})
    filtered = filtered.get_data(as_text=True)
    assert AMOUNT in filtered and STATUS not in filtered
    by_actor = client.get("/console/audit", query_string={"actor": "lan"}).get_data(as_text=True)
    assert "Được trả lời" not in by_actor and "Đăng nhập" in by_actor
    by_phone = client.get("/console/audit", query_string={"actor": "0978 451 203"}).get_data(as_text=True)
    assert STATUS in by_phone and AMOUNT not in by_phone
