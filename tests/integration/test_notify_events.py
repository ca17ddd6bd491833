"""Officers' payment files and cash schedules turn into one message per person, in their words,
on their channel, exactly once (issue 5, points 1–3 and 7)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.imports import import_file
from core.models import AuditLog
from core.notify.recipients import GuardianError, remove_guardian
from core.outbox.dispatch import Dispatcher
from core.vietnamese_text import sms_size
from tests.support.notify_support import (
    OTHER_UNIT,
    FakeSender,
    beneficiary,
    import_payments,
    import_schedules,
    link,
    outbox,
    payment_row,
    person,
    schedule_row,
    set_officer,
    texts_to,
)

LAI_PHONE, SON_PHONE = "+84912345678", "+84905111222"


@pytest.fixture
def family(sessions):
    """Bà Nguyễn Thị Lài (Viettel Money, own phone) and her son, her guardian on file."""
    with sessions.begin() as session:
        lai = beneficiary(session, "HUE-0001", "Nguyễn Thị Lài")
        me = person(session, "Nguyễn Thị Lài", phone=LAI_PHONE)
        son = person(session, "Trần Văn Hùng", phone=SON_PHONE)
        link(session, me, lai, "self")
        link(session, son, lai, "guardian")
        set_officer(session)
        return {"lai": lai.id, "me": me.id, "son": son.id}


def test_paid_reaches_beneficiary_and_guardian_once_each_in_their_words(sessions, settings, clock, family):
    import_payments(sessions, settings, clock, [payment_row("HUE-0001")])
    assert texts_to(sessions, SON_PHONE) == [
        ("Tien tro cap thang 11/2026 cua ba Nguyen Thi Lai (750.000d) da vao vi Viettel Money ngay "
         "05/11/2026. "
        "Rut tien mien phi.")
    ]
    assert texts_to(sessions, LAI_PHONE) == [
        "Tien tro cap thang 11/2026 cua ba (750.000d) da vao vi Viettel Money ngay 05/11/2026. Rut tien mien "
        "phi."
    ]
    keys = {m.idempotency_key for m in outbox(sessions)}
    payment_id = outbox(sessions)[0].payment_id
    assert keys == {f"pay:{payment_id}:paid:p{family['me']}:sms",
                    f"pay:{payment_id}:paid:p{family['son']}:sms"}
    assert {m.kind for m in outbox(sessions)} == {"notification"}


def test_reimporting_or_flipping_status_sends_nothing_twice(sessions, settings, clock, family):
    rows = [payment_row("HUE-0001")]
    import_payments(sessions, settings, clock, rows)
    import_payments(sessions, settings, clock, rows)
    assert len(outbox(sessions)) == 2
    import_payments(sessions, settings, clock, [payment_row("HUE-0001", "Không thành công", paid_on="",
                                                            note="Tài khoản bị khóa")])
    import_payments(sessions, settings, clock, rows)
    import_payments(sessions, settings, clock, [payment_row("HUE-0001", "Không thành công", paid_on="",
                                                            note="Tài khoản bị khóa")])
    statuses = sorted(m.idempotency_key.split(":")[2] for m in outbox(sessions))
    assert statuses == ["failed", "failed", "paid", "paid"]


def test_the_dispatcher_sends_each_once_even_when_run_again(sessions, settings, clock, family):
    import_payments(sessions, settings, clock, [payment_row("HUE-0001")])
    sender = FakeSender()
    dispatcher = Dispatcher(sessions, {"sms": sender}, clock, settings)
    assert dispatcher.run_once() == 2
    import_payments(sessions, settings, clock, [payment_row("HUE-0001")])
    assert dispatcher.run_once() == 0
    assert sorted(address for address, _ in sender.sent) == sorted([LAI_PHONE, SON_PHONE])


def test_failed_says_why_what_to_do_and_whom_to_call(sessions, settings, clock, family):
    import_payments(sessions, settings, clock, [payment_row("HUE-0001", "Không thành công", paid_on="",
                                                            method="Tài khoản", note="Tài khoản bị khóa")])
    (text,) = texts_to(sessions, SON_PHONE)
    assert text == ("Tien tro cap thang 11/2026 cua ba Nguyen Thi Lai (750.000d) chua chi tra duoc: Tai "
                    "khoan bi khoa. "
                    "Xin mang CCCD den don vi chi tra de mo khoa tai khoan. "
                    f"Xin goi can bo Tran Thi Hoa (02343822123) hoac tong dai {settings.hotline}.")


@pytest.mark.parametrize("note, advice", [
    ("Sai số tài khoản", "Xin mang CCCD den UBND xa de sua thong tin tai khoan."),
    ("Tài khoản đã đóng", "Xin mang CCCD den UBND xa de sua thong tin tai khoan."),
    ("TK bị phong tỏa", "Xin mang CCCD den don vi chi tra de mo khoa tai khoan."),
    ("", "Tien van duoc giu lai, xa se sap xep chi tra lai."),
])
def test_failed_advice_follows_the_reason(sessions, settings, clock, family, note, advice):
    import_payments(sessions, settings, clock,
                    [payment_row("HUE-0001", "Không thành công", paid_on="", note=note)])
    (text,) = texts_to(sessions, SON_PHONE)
    assert advice in text


@pytest.mark.parametrize("status, words", [
    ("Bị trả về", "da bi tra ve: Nguoi nhan da chuyen di"),
    ("Tạm dừng", "dang tam dung chi tra: Nguoi nhan da chuyen di"),
])
def test_returned_and_on_hold_are_told_with_the_reason(sessions, settings, clock, family, status, words):
    import_payments(sessions, settings, clock,
                    [payment_row("HUE-0001", status, paid_on="", note="Người nhận đã chuyển đi")])
    (text,) = texts_to(sessions, SON_PHONE)
    assert words in text and "Tran Thi Hoa" in text and settings.hotline in text


def test_scheduled_and_sent_tell_nobody(sessions, settings, clock, family):
    import_payments(sessions, settings, clock, [payment_row("HUE-0001", "Chờ chi trả", paid_on="")])
    import_payments(sessions, settings, clock, [payment_row("HUE-0001", "Đã chuyển", paid_on="")])
    assert outbox(sessions) == []


def test_history_is_imported_quietly(sessions, settings, clock, family):
    import_payments(sessions, settings, clock,
                    [payment_row("HUE-0001", period="08/2026", paid_on="05/08/2026")])
    assert outbox(sessions) == []


def test_channels_consent_and_opt_outs(sessions, settings, clock):
    with sessions.begin() as session:
        lai = beneficiary(session, "HUE-0001", "Nguyễn Thị Lài")
        on_telegram = person(session, phone="+84905000001", telegram="5551", preferred="telegram")
        zalo_blocked = person(session, phone="+84905000002", zalo="z-2", preferred="zalo")
        zalo_blocked.identities[1].opted_out = True  # unfollowed the OA: SMS instead
        said_stop = person(session, phone="+84905000003", opted_out=True)
        no_consent = person(session, phone="+84905000004")
        removed = person(session, phone="+84905000005")
        unverified = person(session, phone="+84905000006", verified=False)
        english = person(session, phone="+84905000007", language="en")
        for p in (on_telegram, zalo_blocked, said_stop, removed, unverified, english):
            link(session, p, lai, "guardian")
        link(session, no_consent, lai, "authorised", consent=False)
        remove_guardian(session, lai.id, removed.id, "officer:lan")
    import_payments(sessions, settings, clock, [payment_row("HUE-0001")])
    sent = {(m.channel, m.address): m.text for m in outbox(sessions)}
    assert set(sent) == {("telegram", "5551"), ("sms", "+84905000002"), ("sms", "+84905000007")}
    assert sent[("telegram",
                 "5551")].startswith("Tiền trợ cấp tháng 11/2026 của bà Nguyễn Thị Lài (750.000đ)")
    assert sent[("sms",
                 "+84905000007")] == ("The 11/2026 allowance for Mrs Nguyen Thi Lai (750,000 VND) reached "
                                      "the "
                                             "Viettel Money wallet on 05/11/2026. Withdrawing it is free of "
                                             "charge.")


def test_a_guardian_of_two_hears_once_per_beneficiary(sessions, settings, clock):
    with sessions.begin() as session:
        grandma = beneficiary(session, "HUE-0001", "Nguyễn Thị Lài")
        child = beneficiary(session, "HUE-0009", "Lê Văn An", gender="nam", born=date(2016, 5, 1),
                            method="cash",
                            provider=None, amount=750_000)
        aunt = person(session, phone=SON_PHONE)
        link(session, aunt, grandma)
        link(session, aunt, child)
    import_payments(sessions, settings, clock, [payment_row("HUE-0001"),
                                                payment_row("HUE-0009", method="Tiền mặt",
                                                            paid_on="03/11/2026")])
    assert sorted(texts_to(sessions, SON_PHONE)) == [
        (
            "Tien tro cap thang 11/2026 cua ba Nguyen Thi Lai (750.000d) da vao vi Viettel Money ngay "
            "05/11/2026. "
            "Rut tien mien phi."
        ),
        "Tien tro cap thang 11/2026 cua chau Le Van An (750.000d) da duoc nhan bang tien mat "
        "ngay 03/11/2026.",
    ]


def test_removed_guardian_hears_nothing_and_the_removal_is_audited(sessions, settings, clock, family):
    with sessions.begin() as session:
        remove_guardian(session, family["lai"], family["son"], "officer:lan")
        remove_guardian(session, family["lai"], family["son"], "officer:lan")  # twice is harmless
        with pytest.raises(GuardianError):
            remove_guardian(session, family["lai"], family["me"], "officer:lan")  # not a guardian
    import_payments(sessions, settings, clock, [payment_row("HUE-0001")])
    assert texts_to(sessions, SON_PHONE) == [] and len(texts_to(sessions, LAI_PHONE)) == 1
    with sessions() as session:
        assert session.scalar(select(func.count()).where(AuditLog.action == "guardian.remove")) == 1


def test_every_message_is_audited_as_a_disclosure(sessions, settings, clock, family):
    import_payments(sessions, settings, clock, [payment_row("HUE-0001")])
    with sessions() as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.action == "notify.payment_paid")).all()
    assert sorted(row.actor for row in rows) == sorted([f"sms:{LAI_PHONE}", f"sms:{SON_PHONE}"])


def test_messages_are_written_in_the_import_transaction(sessions, settings, clock, family, tmp_path):
    from core.notify.events import NotifyOnImport

    path = tmp_path / "payments.csv"
    path.write_text("Kỳ chi trả,Mã đối tượng,Số tiền,Trạng thái,Ngày chi trả,Hình thức\n"
                    "11/2026,HUE-0001,750.000,Đã chi trả,05/11/2026,Ví điện tử\n", encoding="utf-8")

    def crash(session, events):
        raise RuntimeError("the import fails after the notifier ran")

    with pytest.raises(RuntimeError):
        import_file(sessions, "payments", path, today=clock.today(),
                    listeners=[NotifyOnImport(settings, clock), crash])
    assert outbox(sessions) == []


def test_long_names_places_and_reasons_stay_within_three_sms(sessions, settings, clock):
    long_name = "Tôn Nữ Thị Hoàng Phương Thảo Nguyên Khánh Ngọc Bích"
    with sessions.begin() as session:
        b = beneficiary(session, "HUE-0001", long_name, provider="Viettel Money Chi nhánh Thừa Thiên Huế cũ")
        link(session, person(session, phone=SON_PHONE), b)
        set_officer(session, name="Nguyễn Phước Bửu Long Hoàng Thượng", phone="+842343822123")
    note = (
        "Tài khoản không tồn tại hoặc đã bị đóng do quá hạn không giao dịch trên mười hai tháng liên tục " * 3
    )
    for status in ("Không thành công", "Bị trả về", "Tạm dừng", "Đã chi trả"):
        import_payments(sessions, settings, clock, [payment_row("HUE-0001", status, note=note[:250])])
    texts = texts_to(sessions, SON_PHONE)
    assert len(texts) == 4
    for text in texts:
        assert sms_size(text).segments <= 3 and sms_size(text).encoding == "GSM-7", text
        assert settings.hotline in text or "Rut tien mien phi" in text


def test_cash_days_reach_unpaid_cash_beneficiaries_of_the_unit(sessions, settings, clock):
    with sessions.begin() as session:
        cash = beneficiary(session, "HUE-0001", "Nguyễn Thị Lài", method="cash", provider=None)
        wallet = beneficiary(session, "HUE-0002", "Lê Văn Tư", gender="nam", method="ewallet")
        elsewhere = beneficiary(session, "HUE-0003", "Phan Thị Mai", method="cash", unit=OTHER_UNIT)
        for b, phone in ((cash, "+84905000001"), (wallet, "+84905000002"), (elsewhere, "+84905000003")):
            link(session, person(session, phone=phone), b)
    rows = [schedule_row("12/2026", "02/12/2026", "04/12/2026")]
    import_schedules(sessions, settings, clock, rows)
    import_schedules(sessions, settings, clock, rows)  # the same file again: nothing new
    assert texts_to(sessions, "+84905000001") == [
        ("Tien tro cap thang 12/2026 cua ba Nguyen Thi Lai duoc chi tra bang tien mat tu ngay 02/12 den ngay "
        "04/12/2026 (7h30-11h00) tai Nha van hoa to 5. Nho mang theo CCCD.")
    ]
    assert len(outbox(sessions)) == 1
    import_schedules(sessions, settings, clock,
                     [schedule_row("12/2026", "02/12/2026", "04/12/2026", hours="13h-16h")])
    assert len(texts_to(sessions, "+84905000001")) == 2  # corrected hours are announced again
