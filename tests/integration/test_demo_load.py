"""Loading the demo province into the database as `ansinh demo` does: the reported ratios per
provider, Huế's 40 units with their officers, a second load that changes nothing, and the
documented identities holding exactly what docs/DEMO.md promises."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import case, func, select

from ansinh.cli import main
from ansinh.cli_support import CliState
from ansinh.demo import DEMO_IDENTITIES, STRANGER_PHONE, load_demo
from core.imports import import_file
from core.models import AuditLog, Beneficiary, CashSchedule, Contact, Identity, Payment, Person, Unit

TODAY = date(2026, 11, 26)
SMALL = 0.01
# Provider: (share with an account, share paid through it) as reported, and as counted exactly.
REPORTED = {"Viettel Money": ((96.36, 61), (33_940 / 35_219, 21_334 / 35_219)),
            "VNPost – VietinBank": ((56.06, 46), (14_307 / 25_519, 11_720 / 25_519))}


@pytest.fixture
def loaded(sessions):
    load_demo(sessions, TODAY, scale=SMALL)
    return sessions


def _counts(session) -> dict[str, int]:
    models = (Beneficiary, Payment, CashSchedule, Person, Identity, Contact)
    return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in models}


def test_ratios_per_provider_and_in_total_are_the_provinces(sessions):
    load_demo(sessions, TODAY, scale=0.02)
    paid_through = case((Payment.status == "paid", case((Payment.method != "cash", 1), else_=0)), else_=0)
    with sessions() as session:
        rows = session.execute(select(Beneficiary.provider, func.count(),
                                      func.sum(case((Beneficiary.has_account, 1), else_=0)),
                                      func.sum(paid_through))
                               .join(Payment, Payment.beneficiary_id == Beneficiary.id)
                               .where(Payment.period == "2026-11").group_by(Beneficiary.provider)).all()
    totals = [0, 0, 0]
    for provider, count, accounts, electronic in rows:
        (reported_accounts, reported_paid), (exact_accounts, exact_paid) = REPORTED[provider]
        assert abs(100 * accounts / count - reported_accounts) <= 0.5
        assert abs(100 * electronic / count - reported_paid) <= 0.5
        assert (
            abs(accounts / count - exact_accounts) <= 0.005 and abs(electronic / count - exact_paid) <= 0.005
        )
        totals = [totals[0] + count, totals[1] + accounts, totals[2] + electronic]
    assert abs(100 * totals[1] / totals[0] - 79) <= 0.5
    assert abs(100 * totals[2] / totals[0] - 54) <= 0.5


def test_all_40_units_hold_people_and_39_pay_electronically(loaded):
    with loaded() as session:
        units = session.scalars(select(Unit).where(Unit.parent_code == "46")).all()
        used = set(session.scalars(select(Beneficiary.unit_code).distinct()))
        electronic_people = set(
            session.scalars(select(Beneficiary.unit_code).where(Beneficiary.method != "cash"))
        )
    assert len(units) == 40 and used == {u.code for u in units}
    assert (
        sorted(u.kind for u in units).count("phuong") == 21
        and sorted(u.kind for u in units).count("xa") == 19
    )
    assert sum(u.pays_electronically for u in units) == 39
    cash_only = [u for u in units if not u.pays_electronically]
    assert cash_only[0].code not in electronic_people
    assert all(
        u.officer_name and u.officer_phone and u.office_address.startswith(f"UBND {u.name}") for u in units
    )


def test_a_second_load_changes_nothing(loaded):
    with loaded() as session:
        before = _counts(session)
    again = load_demo(loaded, TODAY, scale=SMALL, force=True)
    assert again.changed == 0 and not again.skipped
    assert all(r.created == 0 and r.updated == 0 and r.unchanged == r.total for r in again.reports.values())
    quick = load_demo(loaded, TODAY, scale=SMALL)
    assert quick.skipped and quick.changed == 0
    with loaded() as session:
        assert _counts(session) == before


def test_an_officers_import_after_the_demo_makes_the_next_run_import_again(loaded, data_dir):
    report = import_file(loaded, "schedules", data_dir / "officers" / "schedules_2026-12.csv", today=TODAY)
    assert report.created == 0 and not report.errors
    summary = load_demo(loaded, TODAY, scale=SMALL)
    assert not summary.skipped and summary.changed == 0
    with loaded() as session:
        assert session.scalars(select(AuditLog.action).order_by(AuditLog.id.desc())).first() == "demo.load"


def _beneficiary(session, code: str) -> Beneficiary:
    return session.scalars(select(Beneficiary).where(Beneficiary.code == code)).one()


def _payment(session, code: str, period: str) -> Payment:
    return session.scalars(select(Payment).join(Beneficiary).where(Beneficiary.code == code,
                                                                   Payment.period == period)).one()


def _contacts(session, phone: str) -> list[tuple[str, str, str | None]]:
    query = (select(Beneficiary.code, Contact.role, Contact.relation).join(Contact.beneficiary)
             .join(Identity, Identity.person_id == Contact.person_id)
             .where(Identity.kind == "phone", Identity.address == phone).order_by(Beneficiary.code))
    return [tuple(row) for row in session.execute(query)]


def test_the_documented_identities_hold_what_the_docs_promise(loaded):
    with loaded() as session:
        lai = _beneficiary(session, "BT4600001")
        assert (lai.full_name, lai.monthly_amount, lai.coefficient, lai.method, lai.provider) == (
            "Nguyễn Thị Lài", 750_000, Decimal("1.5"), "ewallet", "Viettel Money")
        assert lai.category_codes == ["NCT_NGHEO_60"]
        paid = _payment(session, "BT4600001", "2026-11")
        assert (paid.status, paid.paid_on, paid.amount, paid.method) == ("paid", date(2026, 11, 5), 750_000,
                                                                         "ewallet")
        assert paid.transaction_id
        assert _payment(session, "BT4600001", "2026-12").status == "scheduled"
        assert _contacts(session, "+84978451203") == [("BT4600001", "self", None)]
        assert _contacts(session, "+84905318246") == [("BT4600001", "guardian", "con")]

        assert _contacts(session, "+84362718345") == [("BT4600002", "self", None)]  # on file as 01662718345
        assert _beneficiary(session, "BT4600002").method == "cash"
        days = session.scalars(select(CashSchedule).where(CashSchedule.unit_code == "20035",
                                                          CashSchedule.period == "2026-12")
                               .order_by(CashSchedule.start_date)).all()
        assert (days[0].start_date, days[0].end_date, days[0].hours, days[0].place) == (
            date(2026, 12, 2), date(2026, 12, 3), "7h30-11h00", "Nhà văn hóa thôn Bình Thành")

        child = _beneficiary(session, "BT4600003")
        assert child.category_codes == ["TE_MC_4_16"] and child.method == "account"
        failed = _payment(session, "BT4600003", "2026-11")
        assert (failed.status, failed.note) == ("failed", "Tài khoản bị khóa")
        assert _contacts(session, "+84935602417") == [("BT4600003", "guardian", "bà nội")]

        assert _contacts(session, "+84983246150") == [("BT4600004", "guardian", "con"),
                                                      ("BT4600005", "guardian", "con")]
        assert _payment(session, "BT4600005", "2026-11").method == "cash"

        cuc = _beneficiary(session, "BT4600006")
        assert sorted(cuc.category_codes) == ["NCT_80", "NKT_NANG_TE_NCT"]
        assert (cuc.coefficient, cuc.monthly_amount) == (Decimal("2"), 1_000_000)

        tai = _beneficiary(session, "BT4600007")
        assert tai.method == "cash" and tai.has_account
        assert [c[1] for c in _contacts(session, "+84868530927")] == ["authorised"]

        assert not session.scalar(
            select(func.count()).select_from(Identity).where(Identity.address == "+84909123000")
        )
    assert STRANGER_PHONE == "0909123000"


@pytest.fixture
def cli(runtime):
    state = CliState()
    state._runtime = runtime

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), obj=state)

    return invoke


def test_ansinh_demo_loads_prints_the_identities_in_vietnamese_and_is_idempotent(cli, sessions):
    first = cli("demo", "--scale", str(SMALL), "--today", "2026-11-26")
    assert first.exit_code == 0, first.output
    assert "Đã nạp dữ liệu mẫu của Huế: 40 xã, phường" in first.output
    for who in DEMO_IDENTITIES:
        assert who["phone"] in first.output and (who["name"] in first.output)
    assert "Người lạ (số không có trong danh sách)" in first.output
    second = cli("demo", "--scale", str(SMALL), "--today", "2026-11-26")
    assert second.exit_code == 0 and "thêm mới 0, cập nhật 0" in second.output


def test_ansinh_demo_refuses_a_wrong_date_in_vietnamese(cli):
    result = cli("demo", "--today", "26/11/2026")
    assert result.exit_code == 2
    assert "Ngày phải viết theo dạng YYYY-MM-DD" in result.output and "Traceback" not in result.output
