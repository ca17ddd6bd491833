"""Importing payment results and cash schedules: upserts, and events only for real changes."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.imports import PaymentChanged, ScheduleSet, import_file
from core.models import Beneficiary, CashSchedule, Payment

TODAY = date(2026, 11, 26)
PAYMENTS_HEADER = "Kỳ chi trả,Mã đối tượng,Số tiền,Trạng thái,Ngày chi trả,Ghi chú\n"


@pytest.fixture
def beneficiaries(sessions, data_dir):
    import_file(sessions, "beneficiaries", data_dir / "import_beneficiaries.csv", today=TODAY)
    with sessions() as s:
        return dict(s.execute(select(Beneficiary.code, Beneficiary.id)).all())


def payments(sessions) -> dict[str, tuple]:
    with sessions() as s:
        rows = s.execute(select(Beneficiary.code, Payment.period, Payment.amount, Payment.status,
                                Payment.method,
                                Payment.paid_on, Payment.transaction_id, Payment.note).join(Beneficiary))
        return {row[0]: tuple(row[1:]) for row in rows}


def test_payment_results_are_upserted_with_events(sessions, data_dir, beneficiaries):
    report = import_file(sessions, "payments", data_dir / "import_payments.csv", today=TODAY)
    assert (report.total, report.created, report.updated, report.rejected) == (7, 6, 0, 1)
    assert [e.line() for e in report.errors] == ["Dòng 8, cột «Mã đối tượng»: Không có đối tượng nào mang mã "
                                                 "«HUE-9999»."]
    stored = payments(sessions)
    assert stored["HUE-0002"] == ("2026-11", 750_000, "paid", "ewallet", date(2026, 11, 2), "VTM123456", None)
    assert stored["HUE-0003"] == ("2026-11", 1_000_000, "failed", "account", None, None, "Tài khoản bị khóa")
    assert {code: row[2] for code, row in stored.items()} == {
        "HUE-0001": "paid", "HUE-0002": "paid", "HUE-0003": "failed", "HUE-0004": "scheduled",
        "HUE-0005": "sent", "HUE-0006": "on_hold"}
    with sessions() as s:
        ids = dict(s.execute(select(Payment.beneficiary_id, Payment.id)).all())
    assert sorted(report.events, key=lambda e: e.payment_id) == sorted(
        [PaymentChanged(ids[beneficiaries[code]], beneficiaries[code], "2026-11", None, row[2]) for code,
         row in stored.items()],
        key=lambda e: e.payment_id)


def test_the_same_results_twice_send_nothing_twice(sessions, data_dir, beneficiaries):
    import_file(sessions, "payments", data_dir / "import_payments.csv", today=TODAY)
    before = payments(sessions)
    again = import_file(sessions, "payments", data_dir / "import_payments.csv", today=TODAY)
    assert (again.created, again.updated, again.unchanged, again.events) == (0, 0, 6, [])
    assert payments(sessions) == before


def test_only_a_changed_status_is_an_event(sessions, tmp_path, beneficiaries):
    first = tmp_path / "ds_11.csv"
    first.write_text(PAYMENTS_HEADER + "11/2026,HUE-0003,1.000.000,Đã chuyển,,\n11/2026,HUE-0001,500.000,Đã "
                                       "chuyển,,\n",
                     encoding="utf-8")
    import_file(sessions, "payments", first, today=TODAY)
    results = tmp_path / "kq_11.csv"
    results.write_text(PAYMENTS_HEADER + "11/2026,HUE-0003,1.000.000,Đã chi trả,06/11/2026,\n"
                       "11/2026,HUE-0001,500.000,Đã chuyển,,Chờ nhận tại điểm chi trả\n", encoding="utf-8")
    report = import_file(sessions, "payments", results, today=TODAY)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 0)
    with sessions() as s:
        paid = s.scalars(select(Payment).where(Payment.beneficiary_id == beneficiaries["HUE-0003"])).one()
    assert report.events == [PaymentChanged(paid.id, beneficiaries["HUE-0003"], "2026-11", "sent", "paid")]
    assert (paid.status, paid.paid_on) == ("paid", date(2026, 11, 6))
    assert payments(sessions)["HUE-0001"][2:] == ("sent", "cash", None, None, "Chờ nhận tại điểm chi trả")


def test_a_new_payment_without_an_amount_takes_the_monthly_amount(sessions, tmp_path, beneficiaries):
    path = tmp_path / "ds.csv"
    path.write_text(
        "ky_chi_tra,ma_doi_tuong,trang_thai\n2026-12,HUE-0003,Chờ chi trả\n2026-12,HUE-0001,sai\n",
        encoding="utf-8",
    )
    report = import_file(sessions, "payments", path, today=TODAY)
    assert [e.line() for e in report.errors] == [(
        "Dòng 3, cột «trang_thai»: «sai» không phải là trạng thái hợp lệ (Chờ chi trả, Đã chuyển, Đã chi "
        "trả, "
        "Không thành công, Bị trả về, Tạm dừng).")]
    assert payments(sessions)["HUE-0003"][:4] == ("2026-12", 1_000_000, "scheduled", "account")


def test_a_duplicate_row_in_the_file_is_an_error_on_the_later_row(sessions, tmp_path, beneficiaries):
    path = tmp_path / "ds.csv"
    path.write_text(PAYMENTS_HEADER + "11/2026,HUE-0001,500000,Đã chi trả,,\n2026-11,HUE-0001,500000,Bị trả "
                                      "về,,\n",
                    encoding="utf-8")
    report = import_file(sessions, "payments", path, today=TODAY)
    assert [e.line() for e in report.errors] == ["Dòng 3, cột «Mã đối tượng»: Mã «HUE-0001» đã có dòng kỳ "
                                                 "11/2026 ở dòng 2."]
    assert payments(sessions)["HUE-0001"][2] == "paid"


def test_cash_schedules(sessions, data_dir, tmp_path):
    report = import_file(sessions, "schedules", data_dir / "import_schedules.csv", today=TODAY)
    assert (report.created, report.rejected) == (3, 0)
    assert all(isinstance(e, ScheduleSet) for e in report.events) and len(report.events) == 3
    with sessions() as s:
        rows = s.execute(select(CashSchedule.unit_code, CashSchedule.start_date, CashSchedule.end_date,
                                CashSchedule.hours,
                                CashSchedule.place).order_by(CashSchedule.start_date)).all()
    assert [tuple(r) for r in rows] == [
        ("19786", date(2026, 12, 2), date(2026, 12, 4), "7h30-11h00", "Nhà văn hóa tổ 5 phường Thuận Hóa"),
        ("19815", date(2026, 12, 3), date(2026, 12, 3), "7h00-11h00", "Bưu điện An Cựu"),
        ("19786", date(2026, 12, 5), date(2026, 12, 5), "13h30-16h30", "UBND phường Thuận Hóa"),
    ]
    again = import_file(sessions, "schedules", data_dir / "import_schedules.csv", today=TODAY)
    assert (again.created, again.updated, again.unchanged, again.events) == (0, 0, 3, [])
    moved = tmp_path / "lich.csv"
    moved.write_text("Kỳ chi trả,Mã xã,Từ ngày,Đến ngày,Giờ,Địa điểm\n"
                     "12/2026,19815,03/12/2026,04/12/2026,7h-11h,Bưu điện An Cựu\n"
                     "12/2026,19815,05/12/2026,01/12/2026,7h-11h,Bưu điện An Cựu\n", encoding="utf-8")
    changed = import_file(sessions, "schedules", moved, today=TODAY)
    assert (changed.updated, len(changed.events), changed.events[0].unit_code) == (1, 1, "19815")
    assert [e.line() for e in changed.errors] == [
        "Dòng 3, cột «Đến ngày»: Đến ngày không được trước từ ngày."
    ]
