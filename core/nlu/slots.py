"""Identifiers in a message: phone numbers (E.164), national ID (CCCD/CMND), beneficiary codes
(BT4600001 or 4600987) and birth dates. Works on the folded text, so "Số ĐT" and "so dt" alike."""
from __future__ import annotations

import logging
import re
from datetime import date

from core.nlu.normalize import ROUND_AMOUNT
from core.phones import normalize_phone

logger = logging.getLogger(__name__)

PHONE = re.compile(r"(?<![\w+])(\+\s?84|84|0)[ .\-]?(\d{2,4})[ .\-]?(\d{3,4})[ .\-]?(\d{3,4})(?![\w])")
_CODE = re.compile(r"(?<![\w])([a-z]{1,4})?(\d{5,12})(?![\w])")
_ID_CUE = re.compile(r"(?:cccd|cmnd|can cuoc|chung minh|cmt|dinh danh)\D{0,20}$")
_CODE_CUE = re.compile(r"(?:\bma\b|\bma so\b|\bma doi tuong\b|\bmdt\b|\bdk\b|\bdang ky\b)\D{0,25}$")
_OTP_CUE = re.compile(r"(?:otp|xac nhan|xac thuc|ma so bi mat|pin)\D{0,15}$")
# a sum's unit after the number, or a coefficient it is multiplied by ("500000 x 1,5")
_AMOUNT_AFTER = re.compile(r"^\s*(?:d\b|dong|vnd|k\b|nghin|ngan|trieu|tr\b|đ|(?:x|\*|nhan)\s*\d)")
_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)")
_DOB_CUE = re.compile(r"(?:sinh|\bns\b|\bsn\b|ngay sinh|nam sinh)\D{0,12}$")
_YEAR = re.compile(r"(?<![\d/.\-])(19\d\d|20[0-2]\d)(?![\d/.\-])")
def _valid_date(day: int, month: int, year: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_dob(text: str, today: date) -> str | None:
    """'12/03/1948' -> '1948-03-12'; '12031948' -> '1948-03-12'; '1948' -> '1948'."""
    text = text.strip()
    match = _DATE.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return _valid_date(day, month, year) if 1900 <= year <= today.year else None
    if text.isdigit() and len(text) == 8:
        day, month, year = int(text[:2]), int(text[2:4]), int(text[4:])
        return _valid_date(day, month, year) if 1900 <= year <= today.year else None
    if text.isdigit() and len(text) == 4 and 1900 <= int(text) <= today.year:
        return text
    return None


def extract_slots(folded: str, today: date) -> dict[str, str]:
    """Identifiers found in free text (the SMS keywords are parsed in keywords.py)."""
    slots: dict[str, str] = {}
    taken: list[tuple[int, int]] = []
    for match in PHONE.finditer(folded):
        phone = normalize_phone(match.group())
        if phone:
            slots.setdefault("phone", phone)
            taken.append(match.span())
    for match in _DATE.finditer(folded):
        dob = parse_dob(match.group(), today)
        if dob and int(dob[:4]) <= today.year - 10:
            slots.setdefault("dob", dob)
            taken.append(match.span())
    for match in _CODE.finditer(folded):
        if any(start <= match.start() < end for start, end in taken):
            continue
        letters, digits = match.group(1) or "", match.group(2)
        before, after = folded[:match.start()], folded[match.end():]
        if _OTP_CUE.search(before) or (not letters and (_AMOUNT_AFTER.match(after)
                                                        or ROUND_AMOUNT.fullmatch(digits))):
            continue
        if not letters and (_ID_CUE.search(before) or (len(digits) == 12 and digits[0] == "0"
                                                       and not _CODE_CUE.search(before))):
            if len(digits) in (9, 12):
                slots.setdefault("national_id", digits)
            continue
        if not letters and len(digits) == 8 and _DOB_CUE.search(before):
            continue
        slots.setdefault("beneficiary_code", (letters + digits).upper())
    if "dob" not in slots:
        for match in _YEAR.finditer(folded):
            if _DOB_CUE.search(folded[:match.start()]):
                slots["dob"] = match.group()
                break
    return slots
