"""Finding a beneficiary and reading their page: by code, by name with or without diacritics, by
phone in any form; never outside one's unit; masked accounts, no national ID; every view audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import AuditLog, Contact, OutboxMessage
from tests.console_support import (
    PHU_VINH,
    THUAN_HOA,
    make_beneficiary,
    make_officer,
    make_payment,
    post,
    sign_in,
)


@pytest.fixture
def people(sessions):
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
        make_officer(session, "hoa", "commune", PHU_VINH)
        make_officer(session, "tinh", "province", "46")
        lai = make_beneficiary(session, "BT4600001", "Nguyễn Thị Lài", THUAN_HOA, method="ewallet",
                               phone="+84978451203",
                               guardian_phone="+84905318246", has_account=True, provider="Viettel Money",
                               account_last4="1203")
        lai.national_id_hash = "f" * 64
        make_payment(session, lai, "2026-11", "paid", "ewallet", provider="Viettel Money")
        session.add(OutboxMessage(idempotency_key="k1", channel="sms", address="+84905318246",
                                  text="Tien thang 11 da ve",
                                  kind="notification", status="delivered", beneficiary_id=lai.id))
        make_beneficiary(session, "BT4600009", "Lê Văn Lộc", PHU_VINH, phone="+84912000009")
    return sessions


@pytest.mark.parametrize("query", ["BT4600001", "bt 4600001", "Nguyễn Thị Lài", "nguyen thi lai", "thi lai",
                                   "0978 451 203", "84978451203", "0905318246"])
def test_search_finds_by_code_name_or_phone(client, people, query):
    sign_in(client, "lan")
    page = client.get("/console/beneficiaries", query_string={"q": query}).get_data(as_text=True)
    assert "BT4600001" in page and "Nguyễn Thị Lài" in page


def test_a_phone_search_is_audited_without_the_full_number(client, people):
    sign_in(client, "lan")
    client.get("/console/beneficiaries", query_string={"q": "0905 318 246"})
    client.get("/console/beneficiaries", query_string={"q": "thi lai"})
    with people() as session:
        rows = list(
            session.scalars(
                select(AuditLog).where(AuditLog.action == "beneficiary.search").order_by(AuditLog.id)
            )
        )
    phone_row, name_row = (row.detail["query"] for row in rows)
    assert "318246" not in phone_row and "318 246" not in phone_row and "8246" in phone_row
    assert "thi lai" in name_row  # who looked for whom stays traceable


def test_search_stays_within_the_unit(client, people):
    sign_in(client, "lan")
    page = client.get("/console/beneficiaries", query_string={"q": "Lộc"}).get_data(as_text=True)
    assert "BT4600009" not in page and "Không tìm thấy ai" in page
    assert client.get("/console/beneficiaries/BT4600009").status_code == 403


def test_the_page_masks_what_it_must_and_is_audited(client, people):
    sign_in(client, "lan")
    response = client.get("/console/beneficiaries/BT4600001")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "…1203" in page and "f" * 64 not in page and "CCCD" not in page
    assert "+84905318246" in page, "the commune officer of the unit sees full phones"
    assert "Tien thang 11 da ve" in page and "Đã đến máy" in page and "Đã chi trả" in page
    with people() as session:
        row = session.scalar(select(AuditLog).where(AuditLog.action == "beneficiary.view"))
        assert row.actor == "officer:lan" and row.beneficiary_id is not None


def test_a_province_administrator_sees_masked_phones(client, people):
    sign_in(client, "tinh")
    page = client.get("/console/beneficiaries/BT4600001").get_data(as_text=True)
    assert "+84905318246" not in page and "…8246" in page


def test_an_officer_removes_a_guardian(client, people):
    sign_in(client, "lan")
    with people() as session:
        guardian = session.scalar(select(Contact).where(Contact.role == "guardian"))
    response = post(client, f"/console/beneficiaries/BT4600001/contacts/{guardian.person_id}/remove")
    assert response.status_code == 302
    page = client.get("/console/beneficiaries/BT4600001").get_data(as_text=True)
    assert "Đã gỡ người giám hộ" in page
    with people() as session:
        assert session.get(Contact, guardian.id).removed_at is not None
        assert (
            session.scalar(select(AuditLog.actor).where(AuditLog.action == "guardian.remove"))
            == "officer:lan"
        )


def test_another_commune_cannot_remove_a_guardian(client, people):
    sign_in(client, "hoa")
    with people() as session:
        guardian = session.scalar(select(Contact).where(Contact.role == "guardian"))
    assert post(client,
                f"/console/beneficiaries/BT4600001/contacts/{guardian.person_id}/remove").status_code == 403
