"""Personal data from the console: an officer of the unit exports everything held about a
beneficiary or a guardian (JSON, masked phones, no full ID or account number, audited with ids
only); only a province administrator of the unit erases, after typing the code; afterwards the
guardian's phone is a stranger over signed SMS and the dispatcher sends them nothing."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from core.outbox.dispatch import Dispatcher
from core.models import (
    AuditLog,
    Beneficiary,
    Complaint,
    Contact,
    Identity,
    OutboxMessage,
    Payment,
    Person,
)
from tests.console_support import (
    PHU_VINH,
    THUAN_HOA,
    make_beneficiary,
    make_officer,
    make_payment,
    post,
    sign_in,
)
from tests.e2e.test_sms_twilio import inbound, messages, signed_post
from tests.notify_support import FakeSender

LAI_PHONE, GUARDIAN_PHONE = "+84978451203", "+84905318246"


@pytest.fixture
def people(sessions):
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
        make_officer(session, "hoa", "commune", PHU_VINH)
        make_officer(session, "tinh", "province", "46")
        lai = make_beneficiary(session, "BT4600001", "Nguyễn Thị Lài", THUAN_HOA, method="ewallet",
                               phone=LAI_PHONE,
                               guardian_phone=GUARDIAN_PHONE, has_account=True, provider="Viettel Money",
                               account_last4="1203")
        lai.national_id_hash, lai.account_hash = "f" * 64, "e" * 64
        make_payment(session, lai, "2026-11", "paid", "ewallet", provider="Viettel Money")
        guardian = session.scalar(select(Contact).where(Contact.role == "guardian"))
        session.add_all([
            OutboxMessage(idempotency_key="k-sent", channel="sms", address=GUARDIAN_PHONE,
                          text="Tien thang 11 da ve",
                          kind="notification", status="delivered", beneficiary_id=lai.id,
                          person_id=guardian.person_id),
            OutboxMessage(idempotency_key="k-waiting", channel="sms", address=GUARDIAN_PHONE,
                          text="Lich chi tra thang 12",
                          kind="notification", status="queued", beneficiary_id=lai.id,
                          person_id=guardian.person_id),
            Complaint(number="PA-2026-000001", beneficiary_id=lai.id, person_id=guardian.person_id,
                      unit_code=THUAN_HOA,
                      category="not_received", text="Me toi chua nhan tien", channel="sms",
                      reply_to=GUARDIAN_PHONE),
        ])
    return sessions


def _guardian_id(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(Contact.person_id).where(Contact.role == "guardian"))


def test_the_unit_officer_exports_a_beneficiary_as_json(client, people):
    sign_in(client, "lan")
    page = client.get("/console/beneficiaries/BT4600001").get_data(as_text=True)
    assert "/console/beneficiaries/BT4600001/export.json" in page
    assert "/erase" not in page, "a commune officer is not offered erasure"
    response = client.get("/console/beneficiaries/BT4600001/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    data = json.loads(body)
    assert data["beneficiary"]["code"] == "BT4600001" and data["beneficiary"]["full_name"] == "Nguyễn Thị Lài"
    assert data["beneficiary"]["national_id"] == "chỉ lưu mã băm có khoá"
    assert data["beneficiary"]["account"]["last4"] == "1203"
    assert data["not_held"].startswith("AnSinh không lưu số CCCD"), "the person reads it in Vietnamese"
    assert "f" * 64 not in body and "e" * 64 not in body
    assert GUARDIAN_PHONE not in body and LAI_PHONE not in body, "phones are masked"
    roles = {c["role"]: c for c in data["contacts"]}
    assert roles["guardian"]["person"]["identities"][0]["address"] == "…8246"
    assert roles["guardian"]["consent"] is True
    assert [p["period"] for p in data["payments"]] == ["2026-11"]
    assert {m["status"] for m in data["messages"]} == {"delivered", "queued"}
    assert data["complaints"][0]["text"] == "Me toi chua nhan tien"
    assert any(a["action"] == "beneficiary.view" for a in data["audit"])
    with people() as session:
        row = session.scalar(select(AuditLog).where(AuditLog.action == "privacy.export"))
        assert row.actor == "officer:lan" and row.beneficiary_id is not None
        assert row.detail == {"subject": "beneficiary"}, "ids only, no personal data"


def test_the_unit_officer_exports_a_guardian(client, people):
    sign_in(client, "lan")
    person_id = _guardian_id(people)
    data = client.get(f"/console/beneficiaries/BT4600001/persons/{person_id}/export.json").get_json()
    assert data["subject"] == "person" and data["person"]["identities"][0]["address"] == "…8246"
    assert data["links"][0]["beneficiary"]["code"] == "BT4600001" and data["links"][0]["role"] == "guardian"
    assert len(data["messages"]) == 2 and data["complaints"][0]["number"] == "PA-2026-000001"
    with people() as session:
        row = session.scalar(select(AuditLog).where(AuditLog.action == "privacy.export"))
        assert row.detail == {"subject": "person", "person_id": person_id}


def test_another_unit_cannot_export_or_erase(client, people):
    sign_in(client, "hoa")
    person_id = _guardian_id(people)
    assert client.get("/console/beneficiaries/BT4600001/export.json").status_code == 403
    assert client.get(f"/console/beneficiaries/BT4600001/persons/{person_id}/export.json").status_code == 403
    assert post(client, "/console/beneficiaries/BT4600001/erase", {"confirm": "BT4600001"}).status_code == 403
    assert client.get("/console/beneficiaries/NOPE/export.json").status_code == 404


def test_a_commune_officer_cannot_erase(client, people):
    sign_in(client, "lan")
    response = post(client, "/console/beneficiaries/BT4600001/erase", {"confirm": "BT4600001"})
    assert response.status_code == 403 and "quản trị viên cấp tỉnh" in response.get_data(as_text=True)
    with people() as session:
        assert (
            session.scalar(select(Beneficiary.full_name).where(Beneficiary.code == "BT4600001"))
            == "Nguyễn Thị Lài"
        )


def test_a_wrong_confirmation_erases_nothing(client, people):
    sign_in(client, "tinh")
    assert client.get("/console/beneficiaries/BT4600001/erase").status_code == 200
    response = post(client, "/console/beneficiaries/BT4600001/erase", {"confirm": "BT4600002"})
    assert response.status_code == 400 and "không khớp" in response.get_data(as_text=True)
    with people() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 2


def test_erasing_a_guardian_makes_their_phone_a_stranger(client, people, settings, runtime):
    unknown = messages(signed_post(client, settings, "/sms/twilio",
                                   inbound("+84936000111", "tien thang nay ve chua")))
    before = messages(signed_post(client, settings, "/sms/twilio",
                                  inbound(GUARDIAN_PHONE, "tien thang nay ve chua")))
    assert before != unknown, "the guardian is told about Lài before the erasure"
    assert runtime.state.get(f"dialog:phone:{GUARDIAN_PHONE}") is not None
    sign_in(client, "tinh")
    person_id = _guardian_id(people)
    page = client.get(f"/console/beneficiaries/BT4600001/erase?person={person_id}").get_data(as_text=True)
    assert "…8246" in page
    response = post(client, f"/console/beneficiaries/BT4600001/persons/{person_id}/erase",
                    {"confirm": "8246"})
    assert response.status_code == 302
    assert runtime.state.get(f"dialog:phone:{GUARDIAN_PHONE}") is None, "their conversation state is gone"
    with people() as session:
        assert session.get(Person, person_id) is None
        assert session.scalar(select(Identity).where(Identity.address == GUARDIAN_PHONE)) is None
        waiting = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == "k-waiting"))
        sent = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == "k-sent"))
        assert waiting.status == "cancelled" and sent.status == "delivered"
        assert GUARDIAN_PHONE not in (waiting.address, sent.address) and "Tien thang" not in sent.text
        complaint = session.scalar(select(Complaint))
        assert (
            complaint.number == "PA-2026-000001"
            and complaint.reply_to is None
            and "chua nhan" not in complaint.text
        )
        assert not session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.actor.contains("905318246"))
        )
        erased = session.scalar(select(AuditLog).where(AuditLog.action == "privacy.erase_person"))
        assert erased.actor == "officer:tinh" and erased.detail == {"person_id": person_id, "identities": 1}
    after = messages(signed_post(client, settings, "/sms/twilio",
                                 inbound(GUARDIAN_PHONE, "tien thang nay ve chua")))
    assert after == unknown, "the erased phone gets the stranger answer"
    with people() as session:
        assert session.scalar(select(Identity).where(Identity.address == GUARDIAN_PHONE)) is None, (
            "asking creates no one"
        )
    sender = FakeSender()
    Dispatcher(people, {"sms": sender}, runtime.clock, settings).run_once()
    assert all(address != GUARDIAN_PHONE for address, _ in sender.sent)


def test_erasing_a_beneficiary_keeps_the_payments(client, people):
    sign_in(client, "tinh")
    page = client.get("/console/beneficiaries/BT4600001").get_data(as_text=True)
    assert "/console/beneficiaries/BT4600001/erase" in page
    response = post(client, "/console/beneficiaries/BT4600001/erase", {"confirm": "bt4600001"},
                    follow_redirects=True)
    assert response.status_code == 200 and "XOA-" in response.get_data(as_text=True)
    with people() as session:
        assert session.scalar(select(Beneficiary).where(Beneficiary.code == "BT4600001")) is None
        lai = session.scalar(select(Beneficiary))
        assert (
            lai.code.startswith("XOA-") and lai.full_name == "" and lai.birth_date is None and not lai.active
        )
        assert lai.national_id_hash is None and lai.account_last4 is None and lai.erased_at is not None
        payment = session.scalar(select(Payment))
        assert (payment.beneficiary_id, payment.period, payment.amount) == (lai.id, "2026-11", 500_000)
        assert session.scalar(select(func.count()).select_from(Person)) == 0
        assert session.scalar(select(func.count()).select_from(Contact)) == 0
    assert client.get("/console/beneficiaries/BT4600001").status_code == 404
    assert client.get("/console/indicators").status_code == 200


def test_removing_a_guardian_records_when_and_where_consent_ended(client, people):
    sign_in(client, "lan")
    person_id = _guardian_id(people)
    assert post(client, f"/console/beneficiaries/BT4600001/contacts/{person_id}/remove").status_code == 302
    data = client.get(f"/console/beneficiaries/BT4600001/persons/{person_id}/export.json").get_json()
    link = data["links"][0]
    assert (
        link["consent_withdrawn_at"] and link["consent_withdrawn_channel"] == "console" and link["removed_at"]
    )
