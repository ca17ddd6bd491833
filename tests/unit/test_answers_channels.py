"""Every answer, for every kind of beneficiary and every channel, shown as the channel shows it:
SMS within 3 GSM-7 segments without being cut, USSD within 182 ASCII characters, and no reply
with a full account number or a national ID."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from core import answers
from core.complaints import tickets as complaints
from core.conversation import knowledge
from core.answers.amount import brief_amount
from core.answers.guidance import not_yours, register_hint
from core.answers.schedule import brief_schedule
from core.clock import FakeClock
from core.i18n import Translator
from core.models import Beneficiary, Complaint
from core.conversation.render import render_for_channel
from core.vietnamese_text import sms_size, to_ascii, to_gsm7
from tests.unit.factories import (
    THUAN_HOA,
    build_family,
    cash_days,
    make_beneficiary,
    pay,
    set_officer,
)

CHANNELS = ("sms", "ussd", "telegram", "zalo", "cli")
FULL_ACCOUNT = "108876543210"
NATIONAL_ID = "046151004821"
ALLOWED_NUMBERS = {"0905111222", "0935123456"}  # the officers' phones


@pytest.fixture
def people(session):
    """The family plus the hard cases: long names and places, every status, several cash points."""
    family = build_family(session)
    long_place = "Nhà văn hóa tổ dân phố 12, kiệt 42 đường Nguyễn Sinh Cung, Phường Thuận Hóa"
    cash_days(session, "2026-12", date(2026, 12, 4), date(2026, 12, 5), long_place,
              hours="7h30-11h00, 13h30-16h30")
    cash_days(session, "2026-12", date(2026, 12, 6), date(2026, 12, 6), "Bưu điện văn hóa phường Thuận Hóa")
    cash_days(session, "2026-12", date(2026, 12, 2), date(2026, 12, 5), "Điểm giao dịch Viettel",
              method="ewallet")
    set_officer(session, "19945", "Nguyễn Phước Bảo Hoàng Long", "+84935123456",
                "UBND xã Phú Vinh, thôn Lương Viện")
    many = make_beneficiary(session, "BT0100", "Tôn Nữ Thị Hoàng Phương Thảo",
                            categories=("NCT_80", "NKT_DBN_TE_NCT"),
                            coefficient=None, monthly_amount=1_250_000, method="account",
                            provider="VNPost – VietinBank",
                            account_last4=FULL_ACCOUNT[-4:], unit_code="19945")
    pay(session, many, "2026-11", status="returned",
        note=f"Tài khoản {FULL_ACCOUNT} đã đóng, người hưởng chuyển đi nơi khác")
    pay(session, many, "2026-10", amount=2_500_000, paid_on=date(2026, 10, 9))
    held = make_beneficiary(session, "BT0101", "Hồ Văn Hai", gender="nam", method="cash", provider=None,
                            account_last4=None,
                            unit_code="20179", monthly_amount=800_000)
    pay(session, held, "2026-11", status="on_hold", note=f"Chờ xác minh CCCD {NATIONAL_ID}")
    pay(session, held, "2026-12", status="sent")
    quiet = make_beneficiary(session, "BT0102", "Lê Thị Mơ", gender=None, birth_date=None, birth_year=None,
                             coefficient=None, categories=(), monthly_amount=None, unit_code="20179")
    session.flush()
    return [session.get(Beneficiary, i) for i in (family.lai, family.bin, family.teo, many.id, held.id,
                                                  quiet.id)]


def _all_answers(ctx, people: list[Beneficiary]) -> list[str]:
    texts = []
    for b in people:
        for period in (None, "2026-10", "2026-11", "2026-12", "2027-02"):
            texts += [answers.payment_status(ctx, b, period), answers.payment_schedule(ctx, b, period),
                      answers.brief_status(ctx, b, period), brief_schedule(ctx, b, period)]
        texts += [answers.payment_amount(ctx, b), brief_amount(ctx, b), answers.contact_officer(ctx, b)]
        for page in (0, 1, 2):
            texts.append(answers.payment_history(ctx, b, page)[0])
        for question in ("rút tiền răng", "đổi sang tiền mặt", "có mất phí không", "ai hỏi mã OTP",
                         "rút ở bưu điện"):
            texts.append(answers.payment_method(ctx, b, question))
        for category, text in (("not_received", "chưa nhận được tiền"), ("scam", "có người hỏi mã OTP"),
                               ("change", "mệ mất rồi")):
            ticket = complaints.file_complaint(
                ctx,
                text=text,
                intent="report_change" if category == "change" else "complaint",
                beneficiary=b,
                person=None,
                reply_to="+84912345678",
            )
            texts.append(complaints.acknowledge(ctx, ticket))
    for topic, _words in knowledge.METHOD_TOPICS + [("overview", ())]:
        texts.append(knowledge.method_guide(ctx.t, topic, ctx.settings.hotline, ctx.is_ussd))
    for topic, _words in knowledge.ELIGIBILITY_TOPICS + [("overview", ())]:
        texts.append(knowledge.eligibility_guide(ctx.t, topic, ctx.is_ussd))
    texts += [answers.contact_officer(ctx, None), answers.contact_officer(ctx, None, THUAN_HOA),
              answers.stranger_personal(ctx), answers.how_amounts_work(ctx), answers.greeting(ctx, None),
              answers.greeting(ctx, "bà Tôn Nữ Thị Hoàng Phương Thảo"), answers.help_text(ctx, True),
              answers.help_text(ctx, False), answers.unknown(ctx, False), answers.thanks(ctx),
              register_hint(ctx),
              not_yours(ctx)]
    ticket = complaints.file_complaint(ctx, text="bị thu phí", intent="complaint", beneficiary=None,
                                       person=None, reply_to="x")
    texts.append(complaints.acknowledge(ctx, ticket))
    return texts


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("channel", CHANNELS)
def test_every_answer_fits_its_channel_and_hides_numbers(session, clock, settings, people, channel, language):
    _check_every_answer(session, clock, settings, people, channel, language)


@pytest.mark.parametrize("channel", ["sms", "ussd"])
def test_answers_still_fit_when_the_cash_days_are_over(session, clock, settings, people, channel):
    """On 07/12 December's cash days are over: told as over, with where to go, within the channel."""
    _check_every_answer(session, FakeClock(datetime(2026, 12, 7, 9, tzinfo=clock.tz)), settings, people,
                        channel, "vi")


def _check_every_answer(session, clock, settings, people, channel, language) -> None:
    ctx = answers.AnswerContext(session, Translator(language), channel, clock, settings,
                                actor=f"{channel}:test")
    texts = _all_answers(ctx, people)
    assert len(texts) > 200
    for text in texts:
        assert text.strip(), "empty answer"
        shown = render_for_channel(text, channel, settings)
        if channel == "sms":
            assert sms_size(to_gsm7(text)).segments <= settings.sms_max_segments, (
                f"SMS too long: {to_gsm7(text)!r}"
            )
            assert sms_size(shown).encoding == "GSM-7"
        elif channel == "ussd":
            assert len(to_ascii(text)) <= settings.ussd_max_chars, (
                f"USSD too long ({len(to_ascii(text))}): {to_ascii(text)!r}"
            )
            assert shown.isascii()
        else:
            assert shown == text
        digit_runs = set(re.findall(r"\d{9,}", re.sub(r"(?<=\d)[ .](?=\d{3})", "", shown)))
        assert digit_runs <= ALLOWED_NUMBERS, f"a long number leaked: {shown!r}"
        assert FULL_ACCOUNT not in shown and NATIONAL_ID not in shown and "%(" not in shown


def test_accounts_appear_masked(session, clock, settings, people):
    ctx = answers.AnswerContext(session, Translator("vi"), "telegram", clock, settings, actor="telegram:1")
    many = people[3]
    assert "tài khoản …3210 (VNPost – VietinBank)" in answers.payment_method(ctx, many, "")
    text = answers.payment_status(ctx, many, "2026-11")
    assert "bị trả về. Lý do: Tài khoản …3210 đã đóng" in text


def test_amount_explains_the_highest_coefficient_and_a_different_last_payment(session, clock, settings,
                                                                              people):
    ctx = answers.AnswerContext(session, Translator("vi"), "telegram", clock, settings, actor="telegram:1")
    text = answers.payment_amount(ctx, people[3])
    assert "Mức chuẩn 500.000đ × hệ số 2,5 = 1.250.000đ" in text
    assert "chỉ được hưởng hệ số cao nhất" in text
    assert "Kỳ tháng 10/2026 nhận 2.500.000đ, khác mức 1.250.000đ" in text


def test_addressing_by_gender_and_age(session, clock, settings, people):
    ctx = answers.AnswerContext(session, Translator("vi"), "sms", clock, settings, actor="sms:1")
    lai, bin_, teo, _many, _held, quiet = people
    assert [answers.addressed(ctx, b) for b in (lai, bin_, teo, quiet)] == [
        "bà Nguyễn Thị Lài", "cháu Lê Văn Bin", "ông Phan Văn Tèo", "Lê Thị Mơ"]


def test_every_personal_answer_writes_an_audit_row(session, clock, settings, people):
    from sqlalchemy import func, select

    from core.models import AuditLog

    ctx = answers.AnswerContext(session, Translator("vi"), "ussd", clock, settings, actor="ussd:+84912345678")
    lai = people[0]
    calls = [lambda: answers.payment_status(ctx, lai, "2026-11"),
             lambda: answers.payment_schedule(ctx, lai, None),
             lambda: answers.payment_amount(ctx, lai), lambda: answers.payment_history(ctx, lai, 0)]
    for call in calls:
        before = session.scalar(select(func.count()).select_from(AuditLog))
        call()
        session.flush()
        row = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert session.scalar(select(func.count()).select_from(AuditLog)) == before + 1
        assert (row.actor, row.channel, row.beneficiary_id) == ("ussd:+84912345678", "ussd", lai.id)
        assert row.action.startswith("disclose.payment_") and row.at == clock.now()
    assert session.scalars(select(Complaint)).all() == []
