"""Cell values as commune officers type them, turned into typed values or a `BadValue`.

Each parser takes the cell text (already stripped, never empty) and returns a Python value.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from core.imports.problems import N_, UNSAFE, BadValue
from core.phones import EXCEL_INTEGER, normalize_phone
from core.vietnamese_text import fold

_CURRENCY = re.compile(r"(?i)\s*(vnđ|vnd|đồng|dong|đ|₫|d)\.?\s*$")
_GROUPED = re.compile(r"(\d{1,3}(?:([.,])\d{3})(?:\2\d{3})*)(?:[.,]0{1,2})?")
_PLAIN = re.compile(r"(\d+)(?:[.,]0{1,2})?")
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_PERIOD_MY = re.compile(r"(?:t|thang)?\s*(\d{1,2})\s*[/\-.]\s*(\d{4})")
_PERIOD_YM = re.compile(r"(\d{4})\s*[/\-.]\s*(\d{1,2})")
_TIME = r"(\d{1,2})\s*(?:h|g|:|giờ|gio)\s*(\d{2})?\s*(?:p|phut|phút)?"
_BARE_YEAR = re.compile(r"\d{4}(\.0)?")
_ID_SEPARATORS = re.compile(r"[\s.\-]")
_HOURS = re.compile(rf"{_TIME}\s*(?:-|–|—|đến|den|to)\s*{_TIME}", re.IGNORECASE)
MAX_AMOUNT = 100_000_000  # đồng: far above any allowance with arrears, far below the database's integers

GENDERS = {"nam": "nam", "nu": "nu", "m": "nam", "f": "nu", "male": "nam", "female": "nu"}
PROGRAMMES = {
    "tcxh": "TCXH", "htxh": "HTXH",
    "tro cap xa hoi": "TCXH", "tro cap xa hoi hang thang": "TCXH", "tro cap huu tri xa hoi": "HTXH",
    "huu tri xa hoi": "HTXH",
}
METHODS = {
    "cash": "cash", "tien mat": "cash", "nhan tien mat": "cash", "chi tra tai nha": "cash",
    "account": "account", "tai khoan": "account", "tai khoan ngan hang": "account", "ngan hang": "account",
    "chuyen khoan": "account", "the atm": "account", "atm": "account",
    "ewallet": "ewallet", "vi dien tu": "ewallet", "viettel money": "ewallet", "vnpt money": "ewallet",
    "vnpt pay": "ewallet", "momo": "ewallet", "vi momo": "ewallet", "mobile money": "ewallet",
    "tai khoan viettel money": "ewallet", "tai khoan mobile money": "ewallet",
}
STATUSES = {
    "scheduled": "scheduled", "cho chi tra": "scheduled", "chua chi tra": "scheduled",
    "sent": "sent", "da chuyen": "sent", "da chuyen cho don vi chi tra": "sent", "da chuyen tien": "sent",
    "paid": "paid", "da chi tra": "paid", "da nhan": "paid", "thanh cong": "paid",
    "chi tra thanh cong": "paid",
    "failed": "failed", "khong thanh cong": "failed", "chi tra khong thanh cong": "failed",
    "that bai": "failed",
    "returned": "returned", "bi tra ve": "returned", "tra ve": "returned", "hoan tra": "returned",
    "on_hold": "on_hold", "on hold": "on_hold", "tam dung": "on_hold", "tam dung chi tra": "on_hold",
}


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    """Folded, punctuation-free form for matching words ('Tài khoản (ngân hàng)' -> 'tai khoan ngan hang')."""
    return " ".join(re.sub(r"[^a-z0-9_]+", " ", fold(text)).split())


def parse_text(text: str, limit: int) -> str:
    value = " ".join(unicodedata.normalize("NFC", text).split())
    if len(value) > limit:
        raise BadValue(N_("Too long: at most %(limit)s characters."), limit=limit)
    if UNSAFE.search(value) or "\ufffd" in value:
        raise BadValue(N_("The text contains invisible control characters or unreadable letters; type it "
                          "again."))
    return value


def parse_amount(text: str) -> int:
    """'1.000.000', '1,000,000', '750000', '750.000đ', '750000.0' -> whole đồng."""
    cleaned = _CURRENCY.sub("", text.strip()).replace(" ", "").replace("\u00a0", "")
    match = _GROUPED.fullmatch(cleaned)
    digits = re.sub(r"[.,]", "", match.group(1)) if match else None
    if digits is None and (plain := _PLAIN.fullmatch(cleaned)):
        digits = plain.group(1)
    if digits is None or len(digits) > 12:
        raise BadValue(N_("«%(value)s» is not a valid amount (for example 750.000)."), value=text)
    if int(digits) > MAX_AMOUNT:
        raise BadValue(N_("«%(value)s» is too large for an allowance (at most 100.000.000 đồng)."),
                       value=text)
    return int(digits)


def parse_coefficient(text: str) -> Decimal:
    """'1,5' or '1.5' -> Decimal('1.5'), between 0 and 99.99."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        value = None
    if (
        value is None
        or not value.is_finite()
        or not 0 < value < 100
        or value != value.quantize(Decimal("0.01"))
    ):
        raise BadValue(N_("«%(value)s» is not a valid coefficient (for example 1,5)."), value=text)
    return value.quantize(Decimal("0.01"))


def parse_date(text: str) -> date:
    """dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd."""
    value = _date_or_none(text.strip())
    if value is None:
        raise BadValue(N_("«%(value)s» is not a valid date (dd/mm/yyyy)."), value=text)
    return value


def _date_or_none(text: str) -> date | None:
    if match := _DMY.fullmatch(text):
        day, month, year = map(int, match.groups())
    elif match := _YMD.fullmatch(text):
        year, month, day = map(int, match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_birth(text: str, today: date) -> tuple[date | None, int]:
    """A full birth date, or a bare year ('1941'): returns (birth_date or None, birth_year)."""
    text = text.strip()
    if _BARE_YEAR.fullmatch(text):
        year = int(text[:4])
        if 1880 <= year <= today.year:
            return None, year
    else:
        value = _date_or_none(text)
        if value is not None and value.year >= 1880:
            if value > today:
                raise BadValue(N_("The birth date «%(value)s» is in the future."), value=text)
            return value, value.year
    raise BadValue(N_("«%(value)s» is not a valid date (dd/mm/yyyy or birth year)."), value=text)


def parse_period(text: str) -> str:
    """'11/2026', '2026-11', 'T11/2026', 'Tháng 11/2026' or a date in that month -> '2026-11'."""
    key = fold(text).replace(" ", "")
    year = month = None
    if match := _PERIOD_MY.fullmatch(key):
        month, year = int(match.group(1)), int(match.group(2))
    elif match := _PERIOD_YM.fullmatch(key):
        year, month = int(match.group(1)), int(match.group(2))
    elif day := _date_or_none(text.strip()):
        year, month = day.year, day.month
    if year is None or not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise BadValue(N_("«%(value)s» is not a valid payment period (MM/YYYY, for example 11/2026)."),
                       value=text)
    return f"{year:04d}-{month:02d}"


def _lookup(table: dict[str, str], text: str, msgid: str) -> str:
    value = table.get(_key(text))
    if value is None:
        raise BadValue(msgid, value=text)
    return value


def parse_gender(text: str) -> str:
    return _lookup(GENDERS, text, N_("«%(value)s» is not a gender (Nam or Nữ)."))


def parse_programme(text: str) -> str:
    return _lookup(PROGRAMMES, text, N_("«%(value)s» is not a programme (TCXH or HTXH)."))


def parse_method(text: str) -> str:
    key = _key(text)
    if key not in METHODS and key.startswith(("vi ", "viettel money", "vnpt money", "momo")):
        return "ewallet"
    if key not in METHODS and key.startswith(("tai khoan", "ngan hang", "the ")):
        return "account"
    return _lookup(METHODS, text,
                   N_("«%(value)s» is not a payment method (Tiền mặt, Tài khoản or Ví điện tử)."))


def parse_status(text: str) -> str:
    return _lookup(
        STATUSES, text,
        N_("«%(value)s» is not a payment status (Chờ chi trả, Đã chuyển, Đã chi trả, Không thành công, Bị "
           "trả về, Tạm dừng)."),
    )


def parse_unit_code(text: str, known: set[str] | frozenset[str]) -> str:
    """Official commune code, zero-padded to five digits ('1234' -> '01234'); must be known."""
    raw = text.strip()
    digits = raw[:-2] if EXCEL_INTEGER.fullmatch(raw) else raw
    code = f"{int(digits):05d}" if digits.isascii() and digits.isdigit() and len(digits) <= 5 else digits
    if code not in known:
        raise BadValue(N_("No commune or ward has the code «%(value)s»."), value=text)
    return code


def parse_categories(text: str, known: dict) -> tuple[str, ...]:
    """'NCT_80; NKT_NANG' -> ('NCT_80', 'NKT_NANG'), each checked against the categories table."""
    codes: list[str] = []
    for part in re.split(r"[;,\n]", text):
        code = re.sub(r"[\s\-]+", "_", part.strip()).upper()
        if code and code not in codes:
            codes.append(code)
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise BadValue(N_("Unknown category code(s): %(codes)s."), codes=", ".join(unknown))
    return tuple(codes)


def parse_hours(text: str) -> str:
    """'7h30-11h00', '7:30 - 11:00', '7h-11h' -> '7h30-11h00'."""
    match = _HOURS.fullmatch(text.strip())
    if match:
        h1, m1, h2, m2 = (int(g) if g else 0 for g in match.groups())
        if h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60 and (h1, m1) < (h2, m2):
            return f"{h1}h{m1:02d}-{h2}h{m2:02d}"
    raise BadValue(N_("«%(value)s» is not a valid time range (for example 7h30-11h00)."), value=text)


def parse_phone(text: str) -> str:
    phone = normalize_phone(text)
    if phone is None or not phone.isascii():  # normalize_phone's \d also takes other scripts' digits
        raise BadValue(N_("«%(value)s» is not a valid Vietnamese phone number."), value=text)
    return phone


def parse_national_id(text: str) -> str:
    """Digits of a CCCD (12) or an old CMND (9). Never echoed back in a message."""
    digits = _ID_SEPARATORS.sub("", text)
    if not (digits.isascii() and digits.isdigit()) or len(digits) not in (9, 12):
        raise BadValue(N_("The ID number is not valid (9 or 12 digits)."))
    return digits


def parse_account_number(text: str) -> str:
    """Bank or e-wallet account: letters and digits, separators dropped. Never echoed back."""
    value = _ID_SEPARATORS.sub("", text).upper()
    if not value.isalnum() or not 4 <= len(value) <= 34 or not value.isascii():
        raise BadValue(N_("The account number is not valid."))
    return value
