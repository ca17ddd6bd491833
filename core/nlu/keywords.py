"""The SMS keywords of INTERFACES.md, recognised on the first word whatever the case or marks:
DK <code> <birth date or year>, HUY/STOP, TC [month], LICH, LS, GIUP, EN/VI. A keyword followed by
ordinary words ("Huy ơi, tiền về chưa", "lịch sử") is left to the free-text rules."""
from __future__ import annotations

import logging
import re
from datetime import date

from core.nlu.periods import extract_period, nearest
from core.nlu.slots import parse_dob

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[^\s,;:!?]+")
_EDGE = re.compile(r"^[^\w+]+|[^\w]+$")
_CODE = re.compile(r"[a-z]{0,4}-?\d{3,12}")  # "BT4600001", "TTH-00413"
_GLUED_TC = re.compile(r"tc(\d{1,2})")
REGISTER_WORDS = {"dk", "dky", "dangky", "dki"}
STOP_WORDS = {"huy", "stop", "unsubscribe"}
PERIOD_KEYWORDS = {"tc": "payment_status", "lich": "payment_schedule", "ls": "payment_history"}
LANGUAGE_WORDS = {"en": "en", "vi": "vi", "vn": "vi"}  # "VN" is how many write Vietnamese
FIRST_WORDS = REGISTER_WORDS | STOP_WORDS | set(PERIOD_KEYWORDS) | set(LANGUAGE_WORDS) | {"giup", "help"}
STOP_ALONE = {"dung", "dung lai", "ngung", "ngung lai", "thoi", "huy bo", "dung nhan", "stop all"}
COUNTED = {"thang", "th", "nam", "ngay", "lan", "tuan", "ky"}  # "LS 6 tháng": a count, not a month
_HEAD = re.compile(r"[^\w]*(\w+)")


def _code(word: str) -> str:
    """A beneficiary code as stored: upper case, without the hyphen some type ("TTH-00413")."""
    return word.upper().replace("-", "")


def _period_of(words: list[str], today: date) -> tuple[bool, str | None]:
    """(is only a month, the month) for what follows TC/LICH/LS."""
    if not words:
        return True, None
    text = " ".join(words)
    if len(words) == 1 and words[0].isdigit() and 1 <= int(words[0]) <= 12:
        return True, nearest(int(words[0]), today)
    if len(words) >= 2 and words[0].isdigit() and words[1] in COUNTED:
        return True, None  # "LS 6 tháng": the last six months
    if words[0][:1].isdigit():
        text = "thang " + text
    period = extract_period(text, text, today)
    return period is not None and len(words) <= 4, period


def keyword_led(folded: str) -> bool:
    """"TC Lê Văn Bin", "LS mệ Lài", "DK cho o tui": a keyword that asks about someone, read on the
    first word as parse_keyword reads it; the conversation takes it as the keyword for that person,
    where the learned model would read only the name."""
    head = _HEAD.match(folded)
    return bool(head) and (head.group(1) in PERIOD_KEYWORDS or head.group(1) in REGISTER_WORDS)


def parse_keyword(folded: str, today: date, lower: str = "") -> tuple[str, dict[str, str]] | None:
    """(intent, slots) when the message is an SMS keyword; `lower` keeps the marks ("đúng" is not "dừng")."""
    if len(folded) <= 12 and " ".join(_WORD.findall(folded)).strip(" .!") in STOP_ALONE \
            and not any(word in lower for word in ("đúng", "đứng", "dùng")):
        return "stop", {}  # "Dừng", "Thôi": a whole message of one stop word
    head = _HEAD.match(folded)
    if not head or head.group(1) not in FIRST_WORDS and not _GLUED_TC.fullmatch(head.group(1)):
        return None
    words = [w for w in (_EDGE.sub("", raw) for raw in _WORD.findall(folded)) if w]
    if not words:
        return None
    first, rest = words[0], words[1:]
    glued = _GLUED_TC.fullmatch(first)
    if glued:
        first, rest = "tc", [glued.group(1)] + rest
    if first in REGISTER_WORDS:
        return _register(rest, today)
    if first in STOP_WORDS and len(words) <= 3:
        return "stop", {}
    if first in PERIOD_KEYWORDS:
        if first == "lich" and rest[:1] == ["su"]:
            return None
        code = {}
        if rest and _CODE.fullmatch(rest[0]) and (not rest[0].isdigit() or len(rest[0]) >= 5):
            code, rest = {"beneficiary_code": _code(rest[0])}, rest[1:]  # "TC BT4600001 [10]", "LS 46009910"
        only_month, period = _period_of(rest, today)
        if code:
            return PERIOD_KEYWORDS[first], {**code, **({"period": period} if period else {})}
        if only_month:
            return PERIOD_KEYWORDS[first], ({"period": period} if period else {})
        if rest[0].isdigit() and 1 <= int(rest[0]) <= 12:
            return PERIOD_KEYWORDS[first], {"period": nearest(int(rest[0]), today)}  # "TC 11 cho ba Cúc"
        return None
    if first in ("giup", "help") and not rest:
        return "help", {}
    if first in LANGUAGE_WORDS and not rest and not any(word in lower for word in ("ví", "vì", "vị", "vỉ")):
        return "change_language", {"language": LANGUAGE_WORDS[first]}
    return None


def _register(rest: list[str], today: date) -> tuple[str, dict[str, str]] | None:
    if not rest:
        return "register", {}
    words = list(rest)
    if len(words) >= 2 and words[0].isalpha() and len(words[0]) <= 4 and words[1].isdigit():
        words = [words[0] + words[1]] + words[2:]  # "DK BT 4600001 1948"
    if not _CODE.fullmatch(words[0]):
        return None
    slots = {"beneficiary_code": _code(words[0])}
    if len(words) >= 2:
        dob = parse_dob(words[1], today)
        if dob is None and len(words) >= 4 and all(w.isdigit() for w in words[1:4]):
            dob = parse_dob("/".join(words[1:4]), today)  # "DK 4600987 12 3 1948"
        if dob:
            slots["dob"] = dob
    return "register", slots
