"""`ansinh notifications run-scheduled`: cash-day reminders and receipt questions, due on a given
day, idempotent; answers to the question ("1", "chưa") handled by answer_receipt."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ansinh.cli import main
from ansinh.cli_support import CliState
from core.i18n import Translator
from core.models import Complaint, ReceiptCheck
from core.notify.receipts import answer_receipt, parse_answer
from tests.notify_support import (
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

LAI, SON, TU = "+84912345678", "+84905111222", "+84912345680"


@pytest.fixture
def cli(runtime):
    state = CliState()
    state._runtime = runtime
    return lambda *args: CliRunner().invoke(main, list(args), obj=state)


@pytest.fixture
def people(sessions):
    """Lài is paid in cash (own phone, a guardian); Tư by Viettel Money (own phone)."""
    with sessions.begin() as session:
        lai = beneficiary(session, "HUE-0001", "Nguyễn Thị Lài", method="cash", provider=None)
        tu = beneficiary(session, "HUE-0002", "Lê Văn Tư", gender="nam")
        me, son, tu_self = person(session, phone=LAI), person(session, phone=SON), person(session, phone=TU)
        link(session, me, lai, "self")
        link(session, son, lai, "guardian")
        link(session, tu_self, tu, "self")
        set_officer(session)
        return {"lai": lai.id, "me": me.id, "son": son.id, "tu": tu.id, "tu_self": tu_self.id}


def run(cli, day: str) -> dict:
    result = cli("notifications", "run-scheduled", "--today", day, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_cash_reminders_two_days_before_and_on_the_morning(cli, sessions, settings, clock, people):
    import_schedules(sessions, settings, clock, [schedule_row("12/2026", "02/12/2026", "04/12/2026")])
    before = len(outbox(sessions))
    assert run(cli, "2026-11-29")["reminders"] == 0
    assert run(cli, "2026-11-30")["reminders"] == 2  # Lài and her son; Tư is paid by e-wallet
    assert run(cli, "2026-11-30")["reminders"] == 0  # cron and the worker both ran: nothing twice
    assert texts_to(sessions, SON)[-1] == (
        "Nhac lich: 2 ngay nua chi tra tien tro cap thang 12/2026 cua ba Nguyen Thi Lai bang tien mat tu "
        "ngay "
        "02/12 den ngay 04/12/2026 (7h30-11h00) tai Nha van hoa to 5. Nho mang theo CCCD.")
    assert run(cli, "2026-12-02")["reminders"] == 2
    morning = [
        m
        for m in outbox(sessions)
        if m.idempotency_key.startswith("remind:") and ":day:" in m.idempotency_key
    ]
    assert {m.not_before.astimezone(clock.tz) for m in morning} == {datetime(2026, 12, 2, 7, 0,
                                                                             tzinfo=clock.tz)}
    assert morning[0].text.startswith("Hom nay: chi tra tien tro cap thang 12/2026")
    assert len(outbox(sessions)) == before + 4


def test_reminders_skip_those_already_paid(cli, sessions, settings, clock, people):
    import_schedules(sessions, settings, clock, [schedule_row("12/2026", "02/12/2026")])
    import_payments(sessions, settings, clock,
                    [payment_row("HUE-0001", period="12/2026", paid_on="01/12/2026",
                                                            method="Tiền mặt")])
    assert run(cli, "2026-11-30")["reminders"] == 0


def test_receipt_question_three_days_after_an_ewallet_credit_once(cli, sessions, settings, clock, people):
    import_payments(sessions, settings, clock, [payment_row("HUE-0002")])  # credited 05/11
    assert run(cli, "2026-11-07")["receipt_questions"] == 0
    assert run(cli, "2026-11-08")["receipt_questions"] == 1
    assert run(cli, "2026-11-09")["receipt_questions"] == 0
    assert texts_to(sessions,
                    TU)[-1] == ("Xin hoi ong da nhan duoc tien tro cap thang 11/2026 (750.000d) chua? "
                                          "Tra loi 1 = da nhan, 2 = chua.")


def test_cash_receipt_question_after_the_last_cash_day_to_the_beneficiary(cli, sessions, settings, clock,
                                                                          people):
    import_schedules(sessions, settings, clock, [schedule_row("11/2026", "02/11/2026", "04/11/2026"),
                                                 schedule_row("11/2026", "06/11/2026", place="UBND phường")])
    import_payments(sessions, settings, clock,
                    [payment_row("HUE-0001", method="Tiền mặt", paid_on="03/11/2026")])
    assert run(cli, "2026-11-06")["receipt_questions"] == 0
    assert run(cli, "2026-11-07")["receipt_questions"] == 1
    with sessions() as session:
        (check,) = session.scalars(select(ReceiptCheck))
    assert check.person_id == people["me"]  # the beneficiary herself, not also her son


def test_the_first_guardian_is_asked_when_the_beneficiary_has_no_phone(cli, sessions, settings, clock):
    with sessions.begin() as session:
        child = beneficiary(session, "HUE-0009", "Lê Văn An", gender="nam", born=date(2016, 5, 1))
        aunt, uncle = person(session, phone=SON), person(session, phone="+84905000009")
        link(session, aunt, child)
        link(session, uncle, child)
    import_payments(sessions, settings, clock, [payment_row("HUE-0009")])
    assert run(cli, "2026-11-08")["receipt_questions"] == 1
    assert texts_to(sessions,
                    SON)[-1].startswith("Xin hoi chau Le Van An da nhan duoc tien tro cap thang 11/2026")
    assert texts_to(sessions, "+84905000009")[-1].startswith("Tien tro cap")  # only the paid message


def test_one_open_question_per_person_at_a_time(cli, sessions, settings, clock, runtime):
    with sessions.begin() as session:
        aunt = person(session, phone=SON)
        for code, name in (("HUE-0011", "Lê Văn An"), ("HUE-0012", "Lê Thị Bình")):
            link(session, aunt, beneficiary(session, code, name, born=date(2015, 1, 1)))
    import_payments(sessions, settings, clock, [payment_row("HUE-0011"), payment_row("HUE-0012")])
    assert run(cli, "2026-11-08")["receipt_questions"] == 1
    assert run(cli, "2026-11-09")["receipt_questions"] == 0  # "1" would be ambiguous
    with sessions.begin() as session:
        assert answer_receipt(session, aunt.id, "1", "sms", clock,
                              Translator("vi")) == "Cảm ơn ông/bà đã xác nhận."
    assert run(cli, "2026-11-09")["receipt_questions"] == 1


def _asked(cli, sessions, settings, clock, people) -> int:
    import_payments(sessions, settings, clock,
                    [payment_row("HUE-0001", method="Tiền mặt", paid_on="03/11/2026")])
    assert run(cli, "2026-11-05")["receipt_questions"] == 1
    return people["me"]


def test_answer_received(cli, sessions, settings, clock, people):
    me = _asked(cli, sessions, settings, clock, people)
    with sessions.begin() as session:
        assert answer_receipt(session, me, "Đã nhận", "sms", clock,
                              Translator("vi")) == "Cảm ơn ông/bà đã xác nhận."
        # Nothing open any more
        assert answer_receipt(session, me, "1", "sms", clock, Translator("vi")) is None
    with sessions() as session:
        check = session.scalar(select(ReceiptCheck))
        assert (check.answer, check.complaint_id) == ("received", None)


def test_answer_not_received_opens_a_ticket_and_says_who_will_call(cli, sessions, settings, clock, people):
    me = _asked(cli, sessions, settings, clock, people)
    with sessions.begin() as session:
        reply = answer_receipt(session, me, "chưa", "sms", clock, Translator("vi"), hotline=settings.hotline)
    with sessions() as session:
        complaint = session.scalar(select(Complaint))
        check = session.scalar(select(ReceiptCheck))
    assert complaint.number == f"PA-2026-{complaint.id:06d}"
    assert (complaint.category, complaint.status, complaint.unit_code, complaint.period) == (
        "not_received", "new", "19786", "2026-11")
    assert (complaint.reply_to, complaint.person_id, check.complaint_id, check.answer) == (
        LAI, me, complaint.id, "not_received")
    assert reply == (
        f"Đã ghi nhận ông/bà chưa nhận được tiền tháng 11/2026. Số phiếu phản ánh: "
        f"{complaint.number}. "
        f"Cán bộ Trần Thị Hoa (02343822123) sẽ gọi lại cho ông/bà. Tổng đài: {settings.hotline}."
    )


def test_answers_need_an_open_recent_question(cli, sessions, settings, clock, people):
    with sessions.begin() as session:
        assert answer_receipt(session, people["me"], "1", "sms", clock, Translator("vi")) is None
    me = _asked(cli, sessions, settings, clock, people)
    with sessions.begin() as session:
        assert answer_receipt(session, me, "tiền tháng 11 chưa có", "sms", clock, Translator("vi")) is None
    clock.advance(days=8)
    with sessions.begin() as session:
        assert answer_receipt(session, me, "2", "sms", clock, Translator("vi")) is None


@pytest.mark.parametrize("text, answer", [
    ("1", "received"), ("đã nhận", "received"), ("Da nhan roi!", "received"),
    ("đa\u0303 nha\u0323\u0302n", "received"),
    ("2", "not_received"), ("chưa", "not_received"), ("chua", "not_received"), ("Chưa nhận.", "not_received"),
    ("chu\u031ba", "not_received"), ("chưa nhận được", "not_received"), ("12", None), ("tiền chưa về", None),
    ("", None),
])
def test_parse_answer(text, answer):
    assert parse_answer(text) == answer


def test_bad_dates_are_refused_in_vietnamese(cli):
    result = cli("notifications", "run-scheduled", "--today", "30/11/2026")
    assert result.exit_code == 2 and "Ngày phải có dạng YYYY-MM-DD" in result.output
    assert "Traceback" not in result.output


def test_the_import_command_notifies_through_the_registered_listener(cli, sessions, people, tmp_path):
    path = tmp_path / "ket_qua.csv"
    path.write_text("Kỳ chi trả,Mã đối tượng,Số tiền,Trạng thái,Ngày chi trả,Hình thức\n"
                    "11/2026,HUE-0002,750.000,Đã chi trả,05/11/2026,Viettel Money\n", encoding="utf-8-sig")
    assert cli("import", "payments", str(path)).exit_code == 0
    assert cli("import", "payments", str(path)).exit_code == 0
    assert texts_to(sessions,
                    TU) == [("Tien tro cap thang 11/2026 cua ong (750.000d) da vao vi Viettel Money ngay "
                                      "05/11/2026. Rut tien mien phi.")]


def test_a_reply_of_chua_by_sms_goes_through_the_dialog_to_a_ticket(cli, sessions, runtime, people):
    """The person answers the question on their phone: the dialog hands it to answer_receipt."""
    from core.conversation.inbound_reply import Inbound

    _asked(cli, sessions, runtime.settings, runtime.clock, people)
    replies = runtime.dialog.handle(Inbound(channel="sms", sender=LAI, text="Chưa nhận"))
    assert "PA-2026-" in replies[0].text
    with sessions() as session:
        complaint = session.scalar(select(Complaint))
        assert (complaint.category, complaint.status) == ("not_received", "new")
    # Nothing open any more: "2" is now an ordinary message for the NLU.
    assert "PA-2026-" not in runtime.dialog.handle(Inbound(channel="sms", sender=LAI, text="2"))[0].text
