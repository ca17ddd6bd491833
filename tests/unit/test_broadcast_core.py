"""core.broadcasts.lifecycle without the CLI or the web: template fields, the audience rules, filled and
rendered texts, and the bulk outbox writer's idempotency."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.broadcasts.lifecycle import approve, create_broadcast, make_filters, preview
from core.broadcasts.audience import find_recipients, template_values
from core.broadcasts.template import BroadcastError, check_template, fill
from core.i18n import translator
from core.models import CashSchedule, Contact, Identity, OutboxMessage
from core.outbox.bulk import enqueue_many
from tests.console_support import (
    THUAN_HOA,
    make_beneficiary,
    make_officer,
    make_payment,
)


@pytest.mark.parametrize("text, message", [
    ("", "Vui lòng nhập nội dung tin nhắn."),
    ("Chào {ten}",
     "Không có trường {ten}. Chỉ được dùng: {ho_ten}, {so_tien}, {ky}, {ngay_chi_tra}, {dia_diem}."),
    ("Chào {ho_ten", "Có dấu ngoặc nhọn chưa đóng."),
    ("Chào ho_ten}", "Có dấu ngoặc nhọn chưa đóng."),
    ("x" * 1001, "Tin nhắn quá dài: tối đa 1000 ký tự."),
])
def test_bad_templates_are_refused_in_vietnamese(text, message):
    with pytest.raises(BroadcastError) as refused:
        check_template(text)
    assert str(refused.value).startswith(message)


def test_fill_uses_each_field_and_ignores_spaces_inside_braces():
    text = check_template("Kính gửi { ho_ten }, kỳ {ky}: {so_tien}, {ngay_chi_tra} tại {dia_diem}")
    assert (
        fill(
            text,
            {
                "ho_ten": "Bà Lài",
                "ky": "12/2026",
                "so_tien": "500.000đ",
                "ngay_chi_tra": "02/12/2026",
                "dia_diem": "Nhà văn hóa",
            },
        )
        == "Kính gửi Bà Lài, kỳ 12/2026: 500.000đ, 02/12/2026 tại Nhà văn hóa"
    )


@pytest.fixture
def ward(sessions):
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
        make_officer(session, "tinh", "province", "46")
        lai = make_beneficiary(session, "BT001", "Nguyễn Thị Lài", THUAN_HOA, phone="+84978451203",
                               guardian_phone="+84905318246", amount=750_000)
        tho = make_beneficiary(session, "BT002", "Hồ Văn Thọ", THUAN_HOA, phone="+84382718345",
                               chat=(("zalo", "zalo-tho"),), channel="zalo")
        # The same guardian looks after a second person: one message for them.
        guardian = session.scalar(select(Contact.person_id).where(Contact.role == "guardian"))
        session.add(Contact(person_id=guardian, beneficiary_id=tho.id, role="guardian", consent=True))
        make_payment(session, lai, "2026-12", "scheduled", "cash")
        make_payment(session, tho, "2026-12", "failed", "cash")
        session.add(CashSchedule(unit_code=THUAN_HOA, period="2026-12", start_date=date(2026, 12, 2),
                                 end_date=date(2026, 12, 4), hours="7h30-11h00", place="Nhà văn hóa tổ 5"))
    return sessions


def test_each_person_once_on_their_channel(ward, clock):
    with ward() as session:
        officer = make_officer(session, "x1", "commune", THUAN_HOA)
        total, recipients = find_recipients(session, make_filters(session, officer, clock))
    assert total == 2
    assert sorted((r.channel, r.address) for r in recipients) == [
        ("sms", "+84905318246"), ("sms", "+84978451203"), ("zalo", "zalo-tho")]


def test_filters_by_channel_and_payment_status(ward, clock):
    with ward() as session:
        officer = make_officer(session, "x2", "commune", THUAN_HOA)
        _, sms_only = find_recipients(session, make_filters(session, officer, clock, channel="sms"))
        _, failed = find_recipients(session,
                                    make_filters(session, officer, clock, status="failed", period="2026-12"))
    assert sorted(r.address for r in sms_only) == ["+84382718345", "+84905318246", "+84978451203"]
    assert sorted(r.address for r in failed) == ["+84905318246", "zalo-tho"]


def test_fields_come_from_the_payment_and_the_cash_schedule(ward):
    with ward() as session:
        lai = session.scalar(
            select(Contact.beneficiary_id).where(Contact.role == "self").order_by(Contact.id)
        )
        values = template_values(session, [lai], "2026-12", translator("vi"), date(2026, 11, 26))[lai]
    assert values == {"ho_ten": "Nguyễn Thị Lài", "so_tien": "750.000đ", "ky": "12/2026",
                      "ngay_chi_tra": "02/12/2026 - 04/12/2026", "dia_diem": "Nhà văn hóa tổ 5 (7h30-11h00)"}


def test_preview_counts_and_sizes(ward, settings, clock):
    with ward() as session:
        officer = make_officer(session, "x3", "commune", THUAN_HOA)
        shown = preview(session, settings, clock, "Kính gửi {ho_ten}, tiền kỳ {ky}: {so_tien}",
                        make_filters(session, officer, clock, period="2026-12"))
    assert (shown.beneficiaries, shown.recipients, shown.by_channel) == (2, 3, {"sms": 2, "zalo": 1})
    sms = next(c for c in shown.channels if c.channel == "sms")
    assert sms.encoding == "GSM-7" and sms.segments == 1 and sms.text.startswith("Kinh gui ")
    zalo = next(c for c in shown.channels if c.channel == "zalo")
    assert zalo.encoding is None and "Kính gửi" in zalo.text


def test_approval_fans_out_once_with_rendered_texts(ward, settings, clock):
    with ward.begin() as session:
        lan = make_officer(session, "x4", "commune", THUAN_HOA)
        tinh = make_officer(session, "x5", "province", "46")
        created = create_broadcast(session, lan, "Kính gửi {ho_ten}: {ngay_chi_tra}",
                                   make_filters(session, lan, clock, period="2026-12"), clock)
        assert approve(session, created, tinh, settings, clock) == 3
        rows = {r.address: r.text for r in session.scalars(select(OutboxMessage))}
    assert rows["+84978451203"] == "Kinh gui Nguyen Thi Lai: 02/12/2026 - 04/12/2026"
    assert rows["zalo-tho"] == "Kính gửi Hồ Văn Thọ: 02/12/2026 - 04/12/2026"


def test_an_opted_out_identity_is_never_enqueued(ward, clock):
    with ward.begin() as session:
        session.scalar(select(Identity).where(Identity.address == "zalo-tho")).opted_out = True
        officer = make_officer(session, "x6", "commune", THUAN_HOA)
        _, recipients = find_recipients(session, make_filters(session, officer, clock))
    assert ("sms", "+84382718345") in {(r.channel, r.address) for r in recipients}
    assert "zalo-tho" not in {r.address for r in recipients}


def test_enqueue_many_skips_keys_already_present(sessions):
    rows = [{"idempotency_key": f"bc:1:p{i}:sms", "channel": "sms", "address": f"+8490000{i:04d}",
             "text": "x",
             "kind": "broadcast", "ref": "broadcast:1"} for i in range(2500)]
    with sessions.begin() as session:
        assert enqueue_many(session, rows[:100]) == 100
    with sessions.begin() as session:
        assert enqueue_many(session, rows) == 2400
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 2500
        assert session.scalar(select(func.min(OutboxMessage.priority))) == 9


def test_a_person_with_several_identities_is_reached_once_on_the_oldest_verified(ward, clock):
    with ward.begin() as session:
        guardian = session.scalar(select(Identity).where(Identity.address == "+84905318246"))
        session.add(Identity(person_id=guardian.person_id, kind="phone", address="+84905000111",
                             verified=True))
        session.add(Identity(person_id=guardian.person_id, kind="zalo", address="zalo-unverified",
                             verified=False))
    with ward() as session:
        officer = make_officer(session, "x7", "commune", THUAN_HOA)
        _, everyone = find_recipients(session, make_filters(session, officer, clock))
        _, on_zalo = find_recipients(session, make_filters(session, officer, clock, channel="zalo"))
    assert sorted(r.address for r in everyone) == ["+84905318246", "+84978451203", "zalo-tho"]
    assert [(r.address, r.role) for r in on_zalo] == [("zalo-tho", "self")]
