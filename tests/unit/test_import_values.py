"""Cell values as officers type them: each parser gives the value, or the Vietnamese message the
officer reads in the error report."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.imports import values as v
from core.imports.hashing import hash_identifier
from core.imports.problems import BadValue
from core.phones import mask_phone, normalize_phone

TODAY = date(2026, 11, 26)


def message(parse, *args) -> str:
    with pytest.raises(BadValue) as caught:
        parse(*args)
    return caught.value.message()


@pytest.mark.parametrize("raw, expected", [
    ("0912345678", "+84912345678"),
    ("84912345678", "+84912345678"),
    ("+84 912 345 678", "+84912345678"),
    ("0912.345.678", "+84912345678"),
    ("(+84)912345678", "+84912345678"),
    ("+84 (0) 912-345-678", "+84912345678"),
    ("912345678", "+84912345678"),  # Excel dropped the leading zero
    ("912345678.0", "+84912345678"),
    ("01682345678", "+84382345678"),  # 2018 renumbering: 0168 -> 038
    ("841682345678", "+84382345678"),
    ("+84 168 234 5678", "+84382345678"),
    ("01212345678", "+84792345678"),  # 0121 -> 079
    ("0123 234 5678", "+84832345678"),  # 0123 -> 083
    ("01862345678", "+84562345678"),  # 0186 -> 056
    ("01992345678", "+84592345678"),  # 0199 -> 059
    ("0702345679", "+84702345679"),
    ("0234 3823 456", "+842343823456"),  # a Huế landline
    ("", None),
    ("abc", None),
    ("12345", None),
    ("091234567890", None),
    ("+1 202 555 0100", None),
    ("0912 345 67x", None),
])
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


def test_mask_phone_keeps_only_the_last_four_digits():
    assert mask_phone("+84912345678") == "…5678"
    assert mask_phone(None) == "…"


@pytest.mark.parametrize("raw, expected", [
    ("1.000.000", 1_000_000), ("1,000,000", 1_000_000), ("750000", 750_000), ("750.000đ", 750_000),
    ("750000.0", 750_000), ("750.000 VNĐ", 750_000), ("750.000,00", 750_000), ("0", 0),
    ("500,000 đồng", 500_000),
])
def test_amounts(raw, expected):
    assert v.parse_amount(raw) == expected


@pytest.mark.parametrize("raw", ["năm trăm", "750.5", "-500000", "1.00.000", "12.34.567"])
def test_bad_amounts(raw):
    assert message(v.parse_amount, raw) == f"«{raw}» không phải là số tiền hợp lệ (ví dụ 750.000)."


@pytest.mark.parametrize("raw, expected",
                         [("1,5", Decimal("1.5")), ("1.5", Decimal("1.5")), ("2", Decimal(2)),
                                           ("2,50", Decimal("2.5"))])
def test_coefficients(raw, expected):
    assert v.parse_coefficient(raw) == expected


@pytest.mark.parametrize("raw", ["một", "0", "-1", "1,555", "100"])
def test_bad_coefficients(raw):
    assert message(v.parse_coefficient, raw) == f"«{raw}» không phải là hệ số hợp lệ (ví dụ 1,5)."


@pytest.mark.parametrize("raw, expected", [
    ("12/03/1938", (date(1938, 3, 12), 1938)), ("5/7/1950", (date(1950, 7, 5), 1950)),
    ("1946-02-20", (date(1946, 2, 20), 1946)), ("1941", (None, 1941)), ("1941.0", (None, 1941)),
    ("29/02/1940", (date(1940, 2, 29), 1940)), ("12-03-1938", (date(1938, 3, 12), 1938)),
])
def test_birth_dates_and_years(raw, expected):
    assert v.parse_birth(raw, TODAY) == expected


@pytest.mark.parametrize("raw, expected", [
    ("31/02/1940", "«31/02/1940» không phải là ngày hợp lệ (dd/mm/yyyy hoặc năm sinh)."),
    ("29/02/1941", "«29/02/1941» không phải là ngày hợp lệ (dd/mm/yyyy hoặc năm sinh)."),
    ("1800", "«1800» không phải là ngày hợp lệ (dd/mm/yyyy hoặc năm sinh)."),
    ("2030", "«2030» không phải là ngày hợp lệ (dd/mm/yyyy hoặc năm sinh)."),
    ("ngày 5", "«ngày 5» không phải là ngày hợp lệ (dd/mm/yyyy hoặc năm sinh)."),
    ("01/01/2027", "Ngày sinh «01/01/2027» ở sau ngày hôm nay."),
])
def test_bad_birth_dates(raw, expected):
    assert message(v.parse_birth, raw, TODAY) == expected


def test_bad_date():
    assert message(v.parse_date, "32/12/2026") == "«32/12/2026» không phải là ngày hợp lệ (dd/mm/yyyy)."


@pytest.mark.parametrize("raw, expected", [
    ("11/2026", "2026-11"), ("2026-11", "2026-11"), ("T11/2026", "2026-11"), ("t11/2026", "2026-11"),
    ("Tháng 11/2026", "2026-11"), ("1/2027", "2027-01"), ("01/11/2026", "2026-11"), ("2026/1", "2026-01"),
])
def test_periods(raw, expected):
    assert v.parse_period(raw) == expected


@pytest.mark.parametrize("raw", ["13/2026", "tháng mười", "2026"])
def test_bad_periods(raw):
    assert message(v.parse_period,
                   raw) == f"«{raw}» không phải là kỳ chi trả hợp lệ (tháng/năm, ví dụ 11/2026)."


@pytest.mark.parametrize("raw, expected", [("Nam", "nam"), ("Nữ", "nu"), ("NU", "nu"), ("nữ", "nu")])
def test_genders(raw, expected):
    assert v.parse_gender(raw) == expected


def test_bad_gender():
    assert message(v.parse_gender, "Khác") == "«Khác» không phải là giới tính (Nam hoặc Nữ)."


@pytest.mark.parametrize("raw, expected",
                         [("TCXH", "TCXH"), ("htxh", "HTXH"), ("Trợ cấp hưu trí xã hội", "HTXH")])
def test_programmes(raw, expected):
    assert v.parse_programme(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Tiền mặt", "cash"), ("TIEN MAT", "cash"), ("Tài khoản", "account"),
    ("Tài khoản (ngân hàng)", "account"),
    ("Tài khoản ngân hàng", "account"), ("Ví điện tử", "ewallet"), ("Viettel Money", "ewallet"),
    ("VNPT Money", "ewallet"), ("MoMo", "ewallet"), ("ewallet", "ewallet"),
])
def test_methods(raw, expected):
    assert v.parse_method(raw) == expected


def test_bad_method():
    assert message(v.parse_method, "Séc") == (
        "«Séc» không phải là hình thức nhận hợp lệ (Tiền mặt, Tài khoản hoặc Ví điện tử).")


@pytest.mark.parametrize("raw, expected", [
    ("Chờ chi trả", "scheduled"), ("Đã chuyển", "sent"), ("Đã chuyển cho đơn vị chi trả", "sent"),
    ("Đã chi trả", "paid"), ("da chi tra", "paid"), ("Không thành công", "failed"),
    ("Chi trả không thành công", "failed"), ("Bị trả về", "returned"), ("Tạm dừng", "on_hold"),
    ("paid", "paid"), ("on_hold", "on_hold"),
])
def test_statuses(raw, expected):
    assert v.parse_status(raw) == expected


def test_bad_status():
    assert message(v.parse_status,
                   "Đang xử lý").startswith("«Đang xử lý» không phải là trạng thái hợp lệ (Chờ chi trả")


@pytest.mark.parametrize("raw, expected", [("19786", "19786"), ("1234", "01234"), ("19786.0", "19786")])
def test_unit_codes(raw, expected):
    assert v.parse_unit_code(raw, frozenset({"19786", "01234"})) == expected


def test_unknown_unit_code():
    assert message(v.parse_unit_code, "99999",
                   frozenset({"19786"})) == "Không có xã, phường nào mang mã «99999»."


def test_categories_several_and_unknown():
    known = {"NCT_80": ("TCXH", Decimal(1)), "NKT_NANG": ("TCXH", Decimal("1.5"))}
    assert v.parse_categories("NCT_80; nkt_nang", known) == ("NCT_80", "NKT_NANG")
    assert message(v.parse_categories, "NCT_80;NCT_99", known) == "Không có mã diện đối tượng: NCT_99."


@pytest.mark.parametrize("raw, expected", [
    ("7h30-11h00", "7h30-11h00"), ("7:30 - 11:00", "7h30-11h00"), ("7h-11h", "7h00-11h00"),
    ("13:30–16:30", "13h30-16h30"), ("7 giờ 30 đến 11 giờ", "7h30-11h00"),
])
def test_hours(raw, expected):
    assert v.parse_hours(raw) == expected


@pytest.mark.parametrize("raw", ["11h-7h", "sáng", "25h-26h"])
def test_bad_hours(raw):
    assert message(v.parse_hours, raw) == f"«{raw}» không phải là khung giờ hợp lệ (ví dụ 7h30-11h00)."


def test_bad_phone_message():
    assert message(v.parse_phone, "12345") == "«12345» không phải là số điện thoại Việt Nam hợp lệ."


def test_national_id_is_never_echoed():
    assert v.parse_national_id("046 138 000 123") == "046138000123"
    text = message(v.parse_national_id, "04613800012")
    assert "04613800012" not in text and text == "Số CCCD/CMND không hợp lệ (cần 12 hoặc 9 chữ số)."


def test_hash_identifier_ignores_separators_and_hides_the_number():
    digest = hash_identifier("046138000123")
    assert digest == hash_identifier("046 138.000-123") and len(digest) == 64
    assert "046138000123" not in digest and digest != hash_identifier("046138000124")


def test_too_long_text():
    assert message(v.parse_text, "x" * 41, 40) == "Quá dài: tối đa 40 ký tự."
