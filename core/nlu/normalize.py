"""Turn a raw message into the tokens the intent rules match: NFC, lower case, diacritics folded
(same result as core.vietnamese_text.fold, but length-preserving so spans line up with the original),
repeated letters collapsed, teencode and Huế/Central dialect spelled out, small typos fixed.

Ambiguous dialect words are expanded only when the diacritics say so: "mô" is "đâu" but "mở" is
not; "vô"/"vo" is "vào" but "vợ" is not."""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from core.nlu.fuzzy import SYLLABLES, Corrector

logger = logging.getLogger(__name__)

MAX_CHARS = 2000  # longer messages are cut: nobody writes an SMS this long on purpose


def _fold_table() -> dict[int, str]:
    table = {ord("đ"): "d", ord("Đ"): "D", ord("ð"): "d", ord("Ð"): "D"}
    for start, end in ((0xC0, 0x250), (0x1E00, 0x1F00)):
        for code in range(start, end):
            base = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c))
            if len(base) == 1 and base != chr(code) and code not in table:
                table[code] = base
    return table


FOLD_TABLE = _fold_table()
_COMBINING = re.compile("[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_TOKEN = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?:đ|d|vnd)?|[^\W_]+")
_AMOUNT = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?:d|vnd)?|\d+k")
# "750000", "1500000": money, not a beneficiary code; "19006000" is a 1900 line
ROUND_AMOUNT = re.compile(r"(?!1[89]00\d{4}$)[1-9]\d{2,}000")
# keep the "uu" of cứu/hưu and the "oo" of xoong, but not a word-final "oo" ("xinchaoo")
_REPEATS = re.compile(r"([a-z])\1{2,}|([a-np-tv-z])\2|(o)o$")
_MONTH_TOKEN = re.compile(r"(?:t|th|thg|thang)(\d{1,2})")
_HOUR_TOKEN = re.compile(r"\d{1,2}h\d{0,2}")
_GLUED_NUMBER = re.compile(r"([a-z]{4,}?)(\d{1,2})")  # "tienthang12"
MIN_GLUED = 6  # shorter unknown words are typos, not words typed without spaces

# Spelled out whatever the diacritics (keys are folded, after repeated letters are collapsed).
ALWAYS = {
    "ko": "khong", "k": "khong", "kg": "khong", "kh": "khong", "khg": "khong", "hok": "khong",
    "hk": "khong", "hem": "khong", "khog": "khong", "khom": "khong", "kong": "khong",
    "khng": "khong", "kog": "khong", "kq": "ket qua",
    "dc": "duoc", "dx": "duoc", "tk": "tai khoan", "stk": "so tai khoan",
    "j": "gi", "r": "roi", "rui": "roi", "z": "vay", "zay": "vay", "zi": "vay", "dzay": "vay",
    "bn": "bao nhieu", "bnhieu": "bao nhieu", "nhiu": "bao nhieu", "bnh": "bao nhieu",
    "vs": "voi", "ng": "nguoi", "sdt": "so dien thoai", "dthoai": "dien thoai",
    "bit": "biet", "mun": "muon", "ntn": "the nao", "bh": "bay gio", "bg": "bay gio",
    "wa": "qua", "cx": "cung", "ni": "nay", "ki": "ky", "dky": "dang ky",
    "dangky": "dang ky", "dangki": "dang ky", "thg": "thang", "th": "thang", "ck": "chuyen khoan",
    "nv": "nhan vien",
    "cb": "can bo", "ubnd": "uy ban", "ub": "uy ban", "mk": "mat khau", "mik": "minh", "mn": "moi nguoi",
    "ak": "a", "ah": "a", "uh": "u", "oke": "ok", "okie": "ok", "okay": "ok", "oki": "ok",
    "thanks": "thanks", "thank": "thanks", "tks": "thanks", "thx": "thanks", "tnx": "thanks",
    "khoong": "khong", "gium": "giup", "giumg": "giup", "dum": "giup",
    "ad": "admin", "hdan": "huong dan", "hd": "huong dan", "lsu": "lich su",
    "tb": "thong bao", "cccd": "cccd",
    "tui": "toi", "ib": "nhan tin", "sms": "tin nhan", "bhxh": "bao hiem", "tr": "trieu", "trc": "truoc",
    "hdsd": "huong dan su dung",
}
# Spelled out only when typed without any diacritics (the diacritic forms mean other words).
BARE = {"vo": "vao", "rua": "vay", "lanh": "nhan", "hong": "khong", "rang": "sao"}
# Spelled out only in this exact diacritic form.
MARKED = {
    "mô": "dau", "chừ": "bay gio", "rứa": "vay", "nớ": "do", "tê": "kia", "ôn": "ong", "lãnh": "nhan",
    "lĩnh": "nhan", "vô": "vao", "hông": "khong", "hổng": "khong", "nhiêu": "bao nhieu", "nhìu": "nhieu",
    "zậy": "vay", "dzậy": "vay", "rùi": "roi", "mún": "muon", "bít": "biet", "đc": "duoc", "đx": "duoc",
    "mần": "lam", "răng": "sao", "đt": "dien thoai", "dừng": "ngung", "chị": "chij", "hỉ": "nhi",
    "nỏ": "khong", "bão": "bao lut",  # Huế "nỏ" is "không"; "bão" with its mark is only a storm
}
GI_BEFORE = {"ten", "lam", "cai", "vi", "de", "may", "la", "noi", "hoi", "nhan", "muon", "co", "duoc",
             "nhung"}
HELLO = {"hi", "chao", "hello", "alo", "helo"}
GI_AFTER = {"vay", "the", "do", "roi", "ha", "he", "hi", "a", "nua", "het", "ca"}
DK_REGISTER_AFTER = {"nhan", "tin", "thong", "so", "cho", "lai", "dich", "theo", "lam", "nguoi",
                     "ma", "bt", "sdt", "zalo", "tai", "vi", "o", "the", "sao", "ntn", "nhu", "giup"}
DK_REGISTER_BEFORE = {"muon", "cach", "de", "can", "huy", "da", "giup", "lam", "cho"}
PARTICLES = {"a", "ha", "he", "hi", "nhi", "nha", "nhe", "nghe", "vay", "o", "oi", "admin", "em", "anh",
             "chi", "chij", "con", "chau", "ban", "ne", "di", "u", "hen", "han", "ah", "roi"}


@dataclass(frozen=True)
class Normalized:
    lower: str  # NFC, lower case, combining marks removed: same length as `folded`
    folded: str  # diacritics removed, punctuation kept
    tokens: tuple[str, ...]  # expanded, corrected words for the rules (numbers become "#")
    question: bool  # a "?" was typed


def fold_lower(text: str) -> tuple[str, str]:
    """(lower, folded) of equal length, for span-aligned matching."""
    lower = _COMBINING.sub("", unicodedata.normalize("NFC", text[:MAX_CHARS]).lower())
    return lower, lower.translate(FOLD_TABLE)


class Normalizer:
    def __init__(self, vocabulary: set[str], protected: set[str], phrases: frozenset[str] = frozenset()):
        self._corrector = Corrector(vocabulary, protected)
        self._phrases = phrases  # known phrases and their beginnings, for fixing slips in context
        self._cache: dict[str, tuple[str, ...]] = {}

    def _plain(self, raw: str) -> tuple[str, ...]:
        """Context-free expansion of one lower-case token, cached."""
        cached = self._cache.get(raw)
        if cached is not None:
            return cached
        if raw in MARKED:
            out = MARKED[raw]
        else:
            folded = raw.translate(FOLD_TABLE)
            if not raw.isdigit() and folded not in ALWAYS and not self._corrector.knows(folded):
                folded = _collapse(folded)  # "chaooo" but not "cccd", "been", "all"
            if raw.isascii() and folded in BARE:
                out = BARE[folded]
            elif folded in ALWAYS:
                out = ALWAYS[folded]
            elif ROUND_AMOUNT.fullmatch(raw):
                out = "# dong"
            elif raw.isdigit():
                out = "#"
            elif _AMOUNT.fullmatch(folded):
                out = "# dong"
            elif _MONTH_TOKEN.fullmatch(folded):
                out = "thang #"
            elif _HOUR_TOKEN.fullmatch(folded):
                out = "# gio"
            elif (glued := _GLUED_NUMBER.fullmatch(folded)) and (pieces := split_glued(glued.group(1))):
                out = " ".join(pieces) + " #"
            elif any(c.isdigit() for c in folded):
                out = "#"
            else:
                out = self._corrector.correct(folded)
                if out == folded and len(folded) >= MIN_GLUED and not self._corrector.knows(folded):
                    out = " ".join(split_glued(folded) or (folded,))
        result = tuple(out.split())
        if len(self._cache) > 50000:
            self._cache.clear()
        self._cache[raw] = result
        return result

    def normalize(self, text: str) -> Normalized:
        lower, folded = fold_lower(text)
        raws = _TOKEN.findall(lower)
        tokens: list[str] = []
        marked: list[bool] = []  # typed with diacritics: trusted as written, never "fixed" in context
        for index, raw in enumerate(raws):
            if raw in ("dk", "đk"):
                expanded = _dk(raws, index)
                tokens.extend(expanded)
                marked.extend([True] * len(expanded))
                continue
            expanded = self._plain(raw)
            if expanded == ("chi",) and _means_gi(raws, index):
                expanded = ("gi",)
            elif expanded == ("bao", "nhieu") and tokens[-1:] == ["bao"]:
                expanded = ("nhieu",)
            elif raw == "bn" and tokens[-1:] and tokens[-1] in HELLO:
                expanded = ("ban",)  # "hi bn": a friend, not "bao nhiêu"
            elif (
                expanded == ("ngan",)
                and index
                and (raws[index - 1].isdigit() or tokens[-1:] in (["tram"], ["chuc"], ["muoi"]))
            ):
                expanded = ("nghin",)
            elif raw == "tang" and (
                index
                and raws[index - 1].isdigit()
                or raws[index + 1 : index + 2]
                and raws[index + 1].isdigit()
            ):
                expanded = ("thang",)  # "2 tang", "tang 12": "tháng" without its h (not "tăng")
            elif expanded == ("hi",) and tokens:
                expanded = ("nhi",)
            elif expanded == ("nhan",) and raw in ("lanh", "lãnh") and index + 1 < len(raws) \
                    and raws[index + 1] in ("dao", "đạo"):
                expanded = ("lanh",)
            tokens.extend(expanded)
            marked.extend([not raw.isascii()] * len(expanded))
            if tokens[-3:] == ["nhu", "the", "nao"]:
                del tokens[-3], marked[-3]  # "như thế nào" asks what "thế nào" asks
        fixed = self._corrector.in_context(tuple(tokens), self._phrases,
                                           marked) if self._phrases else tuple(tokens)
        return Normalized(lower, folded, fixed, "?" in text)


def split_glued(word: str) -> tuple[str, ...] | None:
    """'phattienmat' -> ('phat', 'tien', 'mat'): words typed without spaces, when the whole is
    two or more Vietnamese syllables (the fewest), each spelt out as a typed word would be."""
    count = len(word)
    best: list[tuple[str, ...] | None] = [None] * (count + 1)
    best[0] = ()
    for start in range(count):
        if best[start] is None:
            continue
        for end in range(start + 2, min(count, start + 7) + 1):
            piece = word[start:end]
            if piece in SYLLABLES and (best[end] is None or len(best[start]) + 1 < len(best[end])):
                best[end] = best[start] + (piece,)
    pieces = best[count]
    if not pieces or len(pieces) < 2:
        return None
    return tuple(part for piece in pieces for part in ALWAYS.get(piece, piece).split())


def _collapse(word: str) -> str:
    """'chaooo' -> 'chao', 'tieenf' -> 'tienf', 'xinchaoo' -> 'xinchao', but 'cuu' and 'xoong' stay."""
    return _REPEATS.sub(lambda m: m.group(1) or m.group(2) or m.group(3), word)


def _dk(raws: list[str], index: int) -> tuple[str, ...]:
    """'dk' is both 'đăng ký' and teencode for 'được'."""
    before = raws[index - 1].translate(FOLD_TABLE) if index else ""
    after = raws[index + 1].translate(FOLD_TABLE) if index + 1 < len(raws) else ""
    if before in ("co", "khong", "ko", "k", "chua", "se", "van", "ai", "moi", "cung"):
        return ("duoc",)
    if not after or after in DK_REGISTER_AFTER or before in DK_REGISTER_BEFORE or after[:1].isdigit():
        return ("dang", "ky")
    return ("duoc",)


def _means_gi(raws: list[str], index: int) -> bool:
    """Huế 'chi' = 'gì' ("làm chi", "chi rứa"), not 'chi trả' or 'chị'."""
    if raws[index] != "chi":
        return False
    before = raws[index - 1].translate(FOLD_TABLE) if index else ""
    after = raws[index + 1].translate(FOLD_TABLE) if index + 1 < len(raws) else ""
    if after in ("tien", "tra") or before == "da":
        return False  # "có chi tiền không", "đã chi rồi": paying out, not "có gì"
    return before in GI_BEFORE or after in GI_AFTER


def ends_with(tokens: tuple[str, ...], word: str) -> bool:
    """True when `word` is the last token before trailing particles ("… về chưa rứa hè")."""
    for token in reversed(tokens):
        if token == word:
            return True
        if token not in PARTICLES:
            return False
    return False
