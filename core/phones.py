"""Vietnamese phone numbers as officers write them, stored as E.164 (+84…).

Officers' lists carry every form people use: 0912345678, 84912345678, +84 912 345 678,
0912.345.678, (+84)912345678, a number whose leading zero Excel dropped (912345678), and old
11-digit mobile numbers (01682345678) that the carriers moved to 10 digits in 2018.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

import phonenumbers

logger = logging.getLogger(__name__)

# 2018 renumbering of 11-digit mobile numbers: old prefix -> new prefix (national form).
OLD_MOBILE_PREFIXES = {
    "0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036", "0167": "037",
    "0168": "038", "0169": "039",  # Viettel
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",  # MobiFone
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",  # VinaPhone
    "0186": "056", "0188": "058",  # Vietnamobile
    "0199": "059",  # Gmobile
}
_SEPARATORS = re.compile(r"[\s.\-()/]")
_ALLOWED = re.compile(r"\+?\d+")
EXCEL_INTEGER = re.compile(r"\d+\.0")  # a whole number Excel stored as a float


def _national_digits(raw: str) -> str | None:
    """'+84 (0)912.345.678' -> '0912345678'; None when it is not made of digits."""
    text = raw.strip()
    if EXCEL_INTEGER.fullmatch(text):
        text = text[:-2]
    text = _SEPARATORS.sub("", text)
    if not _ALLOWED.fullmatch(text):
        return None
    digits = text.lstrip("+")
    if text.startswith("+") and not digits.startswith("84"):
        return None  # another country
    if text.startswith("00"):
        digits = digits[2:]
        if not digits.startswith("84"):
            return None
    if digits.startswith("84") and len(digits) >= 11:
        digits = digits[2:]
    if not digits.startswith("0"):
        digits = "0" + digits
    return digits


def _renumber(national: str) -> str:
    """Map an old 11-digit mobile number to its 10-digit form; others pass through."""
    if len(national) == 11:
        new_prefix = OLD_MOBILE_PREFIXES.get(national[:4])
        if new_prefix:
            return new_prefix + national[4:]
    return national


@lru_cache(maxsize=1)
def _number_patterns() -> tuple[re.Pattern, ...]:
    """phonenumbers' own Vietnamese patterns for mobile and fixed-line numbers, compiled once
    (a province list has 100,000 numbers; the full `parse` is ten times slower)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("VN")
    return tuple(re.compile(desc.national_number_pattern) for desc in (metadata.mobile, metadata.fixed_line)
                 if desc is not None and desc.national_number_pattern)


def normalize_phone(raw: str | None) -> str | None:
    """E.164 form of a Vietnamese mobile or fixed-line number ('+84912345678'), or None."""
    if raw is None:
        return None
    national = _national_digits(str(raw))
    if national is None or not 10 <= len(national) <= 11:
        return None
    significant = _renumber(national)[1:]
    if any(pattern.fullmatch(significant) for pattern in _number_patterns()):
        return "+84" + significant
    return None


def mask_phone(e164: str | None) -> str:
    """'+84912345678' -> '…5678': enough for a person to recognise their own number."""
    if not e164:
        return "…"
    return "…" + e164[-4:]
