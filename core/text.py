"""Vietnamese text helpers shared by the NLU, the renderers, the console preview and the tests:
diacritic folding (đ has no Unicode decomposition), GSM-7 rendering and SMS segment counting."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_D_MAP = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
_WS = re.compile(r"\s+")

# GSM 03.38 basic character set and its extension table (each extension char costs 2 septets).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")
_GSM7_SUBSTITUTES = str.maketrans({
    "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "×": "x",
    "•": "-", "·": "-", "\t": " ", "\u00a0": " ", "₫": "d", "«": '"', "»": '"',
})


def strip_diacritics(text: str) -> str:
    """'Tiền tháng ni' -> 'Tien thang ni'; keeps case, maps đ/Đ to d/D."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def fold(text: str) -> str:
    """Lower-case, diacritic-free, single-spaced form for matching (NFC or NFD input alike)."""
    return _WS.sub(" ", strip_diacritics(unicodedata.normalize("NFC", text)).lower()).strip()


def to_ascii(text: str) -> str:
    """What a USSD screen without Unicode shows: printable ASCII only."""
    text = strip_diacritics(text).translate(_GSM7_SUBSTITUTES)
    return "".join(ch if 32 <= ord(ch) < 127 or ch == "\n" else "?" for ch in text)


def to_gsm7(text: str) -> str:
    """Render text in the GSM-7 alphabet: no diacritics, look-alikes for typographic marks."""
    text = strip_diacritics(text).translate(_GSM7_SUBSTITUTES)
    return "".join(ch if ch in GSM7_BASIC or ch in GSM7_EXTENDED else "?" for ch in text)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


@dataclass(frozen=True)
class SmsSize:
    encoding: str  # "GSM-7" or "UCS-2"
    characters: int  # as the phone counts them (septets for GSM-7, UTF-16 units for UCS-2)
    segments: int


def sms_size(text: str) -> SmsSize:
    """Segments an SMS costs: GSM-7 160 alone or 153 per part; UCS-2 70 alone or 67 per part."""
    if is_gsm7(text):
        units = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "UCS-2"
    if units == 0:
        return SmsSize(encoding, 0, 1)
    segments = 1 if units <= single else -(-units // part)
    return SmsSize(encoding, units, segments)
