"""The demo province as generated: the province's reported figures to the person at full size,
people whose categories fit their age, amounts that follow the coefficients, and the same
province from the same seed."""
from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from ansinh.demo import DEMO_IDENTITIES, STRANGER_PHONE, generate, write_officer_files
from core.phones import normalize_phone
from core.storage.reference import CATEGORIES

OFFICER_FILES = Path(__file__).resolve().parents[1] / "data" / "officers"
# Provider: (beneficiaries, with an account, paid through it), DOMAIN.md.
REPORTED = {"Viettel Money": (35_219, 33_940, 21_334), "VNPost – VietinBank": (25_519, 14_307, 11_720)}


@pytest.fixture(scope="module")
def full(full_demo):
    return full_demo


def _paid_through(data, period: str = "11/2026") -> set[str]:
    """Codes paid into an account or e-wallet in the report month (11/2026 from the sample's day)."""
    return {r["ma_doi_tuong"] for r in data.payments
            if r["ky_chi_tra"] == period and r["trang_thai"] == "Đã chi trả" and r["hinh_thuc"] != "Tiền mặt"}


def test_full_size_reproduces_the_reported_figures_to_the_person(full):
    assert full.months.report == "2026-11"
    paid = _paid_through(full)
    figures = {provider: [0, 0, 0] for provider in REPORTED}
    for row in full.beneficiaries:
        counts = figures[row["don_vi_chi_tra"]]
        counts[0] += 1
        counts[1] += bool(row["so_tai_khoan"])
        counts[2] += row["ma_doi_tuong"] in paid
    assert {p: tuple(c) for p, c in figures.items()} == REPORTED
    assert len(full.beneficiaries) == 60_738
    assert sum(bool(r["so_tai_khoan"]) for r in full.beneficiaries) == 48_247
    assert len(paid) == 33_054
    assert len(full.former_units) == 141


def test_a_person_can_have_an_account_and_still_not_be_paid_through_it(full):
    paid = _paid_through(full)
    with_account = [r for r in full.beneficiaries if r["so_tai_khoan"] and r["ma_doi_tuong"] not in paid]
    assert len(with_account) == (33_940 - 21_334) + (14_307 - 11_720)
    in_cash = [r for r in with_account if r["hinh_thuc"] == "Tiền mặt"]
    failed = {
        r["ma_doi_tuong"]
        for r in full.payments
        if r["ky_chi_tra"] == "11/2026" and r["trang_thai"] != "Đã chi trả"
    }
    assert 14_000 < len(in_cash) < len(with_account)  # the others are paid electronically, not in 11/2026
    assert all(r["ma_doi_tuong"] in failed for r in with_account if r["hinh_thuc"] != "Tiền mặt")


def _age(row) -> int:
    born = row["ngay_sinh"]
    year, month = (int(born), 7) if len(born) == 4 else (int(born[6:]), int(born[3:5]))
    return 2026 - year - (month > 11)


@pytest.mark.parametrize("category, youngest, oldest", [
    ("NCT_80", 80, 110), ("NCT_NGHEO_80", 80, 110), ("NCT_NGHEO_60", 60, 80), ("HTXH_75", 75, 110),
    ("HTXH_70_NGHEO", 70, 75), ("TE_MC_U4", 0, 4), ("TE_MC_4_16", 4, 16), ("TE_HIV_U4", 0, 4),
    ("TE_16_22", 16, 22), ("NKT_NANG", 16, 60), ("NKT_DBN", 16, 60), ("DON_THAN", 18, 60),
])
def test_categories_fit_the_ages(full, category, youngest, oldest):
    ages = [_age(r) for r in full.beneficiaries if category in r["dien_doi_tuong"].split(";")]
    assert ages, category
    assert youngest <= min(ages) and max(ages) <= oldest, (category, min(ages), max(ages))


def test_nct_80_people_were_born_in_1946_or_before(full):
    years = [
        int(r["ngay_sinh"][-4:]) for r in full.beneficiaries if "NCT_80" in r["dien_doi_tuong"].split(";")
    ]
    assert max(years) <= 1946


def test_the_amount_is_the_standard_level_times_the_higher_coefficient(full):
    two_categories = 0
    for row in full.beneficiaries:
        codes = row["dien_doi_tuong"].split(";")
        two_categories += len(codes) > 1
        coefficient = max(Decimal(CATEGORIES[c][2]) for c in codes)
        assert Decimal(row["he_so"].replace(",", ".")) == coefficient
        assert int(row["so_tien"].replace(".", "")) == 500_000 * coefficient
        assert row["che_do"] == CATEGORIES[codes[0]][0]
    assert 100 < two_categories < 2_000


def test_phones_guardians_and_authorised_people_look_like_a_real_list(full):
    rows = full.beneficiaries
    own = sum(bool(r["so_dien_thoai"]) for r in rows) / len(rows)
    assert 0.82 <= own <= 0.88
    phones = [p for r in rows for p in (r["so_dien_thoai"], r["sdt_nguoi_giam_ho"]) if p]
    assert all(normalize_phone(p) for p in phones)
    assert sum(len(p) == 11 and p.startswith("01") for p in phones) > 100  # old 11-digit forms
    elderly = [r for r in rows if _age(r) >= 75]
    assert sum(bool(r["nguoi_giam_ho"]) for r in elderly) / len(elderly) > 0.4
    children = [r for r in rows if _age(r) < 16]
    assert all(r["sdt_nguoi_giam_ho"] for r in children)
    assert not any(r["so_dien_thoai"] for r in children if _age(r) < 13)
    sharing = Counter(Counter(r["sdt_nguoi_giam_ho"] for r in rows if r["sdt_nguoi_giam_ho"]).values())
    assert sharing[2] > 50 and sharing[3] > 50 and max(sharing) == 3
    assert 100 < sum("ủy quyền" in r["quan_he"] for r in rows) < 1_000
    assert STRANGER_PHONE not in phones


def test_payments_have_results_reasons_and_next_month_planned(full):
    by = Counter((r["ky_chi_tra"], r["trang_thai"]) for r in full.payments)
    for period in ("09/2026", "10/2026", "11/2026"):
        total = sum(n for (p, _), n in by.items() if p == period)
        assert total == 60_738 and by[(period, "Đã chi trả")] / total > 0.95
        assert by[(period, "Không thành công")] > 0 and by[(period, "Tạm dừng")] > 0
    assert by[("12/2026", "Chờ chi trả")] > 60_000
    notes = Counter(r["ghi_chu"] for r in full.payments)
    assert {"Tài khoản bị khóa", "Sai số tài khoản", "Ví chưa định danh", "Người hưởng đã chết"} <= set(notes)
    paid = [r for r in full.payments if r["trang_thai"] == "Đã chi trả"]
    assert all(1 <= int(r["ngay_chi_tra"][:2]) <= 10 for r in paid)
    assert all(bool(r["ma_giao_dich"]) == (r["hinh_thuc"] != "Tiền mặt") for r in paid)


def test_every_unit_has_cash_days_between_the_2nd_and_the_10th(full):
    for period in ("11/2026", "12/2026"):
        rows = [r for r in full.schedules if r["ky_chi_tra"] == period]
        assert {r["ma_xa"] for r in rows} == {u.code for u in full.units}
        assert all(2 <= int(r["tu_ngay"][:2]) <= int(r["den_ngay"][:2]) <= 10 for r in rows)


def test_the_same_seed_gives_the_same_province_and_another_seed_another():
    first, again, other = generate(seed=46, scale=0.01), generate(seed=46, scale=0.01), generate(seed=7,
                                                                                                 scale=0.01)
    assert first.beneficiaries == again.beneficiaries and first.payments == again.payments
    assert first.schedules == again.schedules and first.unit_officers() == again.unit_officers()
    assert first.beneficiaries != other.beneficiaries


def test_identities_keep_their_codes_and_phones_at_any_scale(full):
    small = generate(scale=0.01)
    for who in DEMO_IDENTITIES:
        if not who["code"]:
            continue
        rows = [r for r in small.beneficiaries if r["ma_doi_tuong"] == who["code"]]
        assert rows and rows == [r for r in full.beneficiaries if r["ma_doi_tuong"] == who["code"]]
        on_file = {normalize_phone(rows[0]["so_dien_thoai"]), normalize_phone(rows[0]["sdt_nguoi_giam_ho"])}
        assert normalize_phone(who["phone"]) in on_file


def test_the_committed_officer_files_are_what_the_generator_writes(full, tmp_path):
    for path in write_officer_files(tmp_path, full):
        committed = OFFICER_FILES / path.name
        assert committed.read_bytes() == path.read_bytes(), f"regenerate {committed} with write_officer_files"
    assert (
        (OFFICER_FILES / "beneficiaries.csv")
        .read_bytes()
        .startswith(b"\xef\xbb\xbfM\xc3\xa3 \xc4\x91\xe1\xbb\x91i")
    )
