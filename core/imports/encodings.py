"""Old Vietnamese encodings that officers' files still arrive in, recognised by their header row.

Before Unicode, Vietnamese was typed in TCVN3 (the ABC ".VnTime" fonts), VNI (the "VNI-Times"
fonts) or Windows-1258. Such a file is recognised when its first line, read in one of them,
names known columns. Windows-1258 is converted (Python's own codec, exact); TCVN3 and VNI are
refused with a message naming them, because their upper-case fonts reuse the lower-case codes
and a guess would store garbled names of real people.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Bytes 0x80-0xFF as glibc's iconv decodes TCVN5712-1 (TCVN3's lower case sits at 0xA8-0xFE;
# tests/unit/test_import_encodings.py compares this table with iconv).
_TCVN3 = ("ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"
          "ẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ")
_TCVN3_TABLE = {0x80 + i: c for i, c in enumerate(_TCVN3)}

# VNI writes a base letter followed by a mark byte (Windows-1252 letters in the font).
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT, _CIRC, _BREVE = (
    "\u0301",
    "\u0300",
    "\u0309",
    "\u0303",
    "\u0323",
    "\u0302",
    "\u0306",
)
_VNI_MARKS = {
    "ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT, "â": _CIRC, "ê": _BREVE,
    "á": _CIRC + _ACUTE, "à": _CIRC + _GRAVE, "å": _CIRC + _HOOK, "ã": _CIRC + _TILDE, "ä": _CIRC + _DOT,
    "é": _BREVE + _ACUTE, "è": _BREVE + _GRAVE, "ú": _BREVE + _HOOK, "ü": _BREVE + _TILDE, "ë": _BREVE + _DOT,
}
_VNI_LETTERS = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị"}
_VNI_TABLE = {**_VNI_MARKS, **{k.upper(): v for k, v in _VNI_MARKS.items()},
              **_VNI_LETTERS, **{k.upper(): v.upper() for k, v in _VNI_LETTERS.items()}}

TCVN3, VNI, CP1258, DOUBLE_UTF8 = "TCVN3 (ABC)", "VNI", "Windows-1258", "UTF-8 đọc nhầm thành Latin-1"


def decode_tcvn3(data: bytes) -> str:
    return unicodedata.normalize("NFC", "".join(_TCVN3_TABLE.get(b, chr(b)) for b in data))


def decode_vni(data: bytes) -> str:
    return unicodedata.normalize("NFC",
                                 "".join(_VNI_TABLE.get(c, c) for c in data.decode("cp1252", "replace")))


def _decode_cp1258(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("cp1258", "replace"))


def _decode_double_utf8(data: bytes) -> str:
    return data.decode("utf-8", "replace")


_DECODERS: dict[str, Callable[[bytes], str]] = {
    CP1258: _decode_cp1258, TCVN3: decode_tcvn3, VNI: decode_vni, DOUBLE_UTF8: _decode_double_utf8,
}


def _known_count(cells: list[str], is_known: Callable[[str], bool]) -> int:
    return sum(1 for cell in cells if cell.strip() and is_known(cell))


def suspected_encoding(first_line: bytes, is_known: Callable[[str], bool]) -> str | None:
    """The old encoding in which `first_line` (the header row's bytes) names the most known
    columns; None when the line is plain ASCII, names none, or two encodings read it as well."""
    if first_line.isascii():
        return None
    counts = {name: _known_count(re.split(r"[,;\t]", decode(first_line)), is_known)
              for name, decode in _DECODERS.items() if name != DOUBLE_UTF8}
    best = max(counts, key=lambda name: counts[name])
    if counts[best] == 0 or sum(1 for c in counts.values() if c == counts[best]) > 1:
        return None
    return best


def suspected_in_text(headers: list[str], is_known: Callable[[str], bool]) -> str | None:
    """For headers already read as text (an XLSX, a UTF-8 CSV): the old encoding they were
    typed in, when reading their characters back as bytes names more known columns."""
    if not any("\u0080" <= c <= "\u00ff" or c in _CP1252_EXTRA for h in headers for c in h):
        return None
    raw = [_as_bytes(h) for h in headers]
    as_is = _known_count(headers, is_known)
    best, best_count = None, as_is
    for name, decode in _DECODERS.items():
        if name == CP1258:
            continue  # Windows-1258 letters are mostly Latin-1 ones: the text would read the same
        count = _known_count([decode(b) for b in raw], is_known)
        if count > best_count:
            best, best_count = name, count
    return best


def _as_bytes(text: str) -> bytes:
    """The bytes a font-encoded or mis-decoded header was typed as (b"" when it cannot have been)."""
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec)
        except UnicodeEncodeError:
            continue
    return b""


def convert(data: bytes, name: str) -> str | None:
    """The file's text when `name` can be converted exactly (Windows-1258), else None."""
    if name != CP1258:
        return None
    try:
        return unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        return None


_CP1252_EXTRA = frozenset("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")
