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


def _strip_slow(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


class _CharTable(dict):
    """A `str.translate` table that fills itself: each character's conversion (decompose, drop
    the marks, substitute) is worked out the first time it is seen in this process, after which a
    whole answer converts in one C-level pass instead of a Python loop per character."""

    def __init__(self, convert):
        super().__init__()
        self.convert = convert

    # Vietnamese and the usual symbols fill a few hundred; strangers' text cannot grow it further
    LIMIT = 8192

    def __missing__(self, code: int) -> str:
        value = self.convert(chr(code))
        if len(self) < self.LIMIT:
            self[code] = value
        return value


def _ascii_char(ch: str) -> str:
    text = _strip_slow(ch).translate(_GSM7_SUBSTITUTES)
    return "".join(c if 32 <= ord(c) < 127 or c == "\n" else "?" for c in text)


def _gsm7_char(ch: str) -> str:
    text = _strip_slow(ch).translate(_GSM7_SUBSTITUTES)
    return "".join(c if c in GSM7_BASIC or c in GSM7_EXTENDED else "?" for c in text)


_STRIP, _ASCII, _GSM7 = _CharTable(_strip_slow), _CharTable(_ascii_char), _CharTable(_gsm7_char)


def strip_diacritics(text: str) -> str:
    """'Tiền tháng ni' -> 'Tien thang ni'; keeps case, maps đ/Đ to d/D."""
    stripped = text.translate(_STRIP)
    # Character by character equals the whole-string form except where NFC would join what is
    # left (never in Vietnamese): only text that is still not ASCII needs the whole-string pass.
    return stripped if stripped.isascii() else _strip_slow(text)


def fold(text: str) -> str:
    """Lower-case, diacritic-free, single-spaced form for matching (NFC or NFD input alike)."""
    if text.isascii():  # nothing to compose or strip: the same result without the two passes
        return _WS.sub(" ", text.lower()).strip()
    return _WS.sub(" ", strip_diacritics(unicodedata.normalize("NFC", text)).lower()).strip()


def to_ascii(text: str) -> str:
    """What a USSD screen without Unicode shows: printable ASCII only."""
    return text.translate(_ASCII)


def to_gsm7(text: str) -> str:
    """Render text in the GSM-7 alphabet: no diacritics, look-alikes for typographic marks."""
    return text.translate(_GSM7)


_GSM7_ALL = frozenset(GSM7_BASIC | GSM7_EXTENDED)


def is_gsm7(text: str) -> bool:
    return _GSM7_ALL.issuperset(text)


@dataclass(frozen=True)
class SmsSize:
    encoding: str  # "GSM-7" or "UCS-2"
    characters: int  # as the phone counts them (septets for GSM-7, UTF-16 units for UCS-2)
    segments: int


def sms_size(text: str) -> SmsSize:
    """Segments an SMS costs: GSM-7 160 alone or 153 per part; UCS-2 70 alone or 67 per part."""
    if is_gsm7(text):
        units = len(text) + sum(text.count(ch) for ch in GSM7_EXTENDED)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "UCS-2"
    if units == 0:
        return SmsSize(encoding, 0, 1)
    segments = 1 if units <= single else -(-units // part)
    return SmsSize(encoding, units, segments)
