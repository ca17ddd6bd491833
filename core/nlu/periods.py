"""Find the payment month a message is about ("tháng ni", "t10", "10/2026", "tháng chạp") and
resolve it against today as `YYYY-MM`. A month without a year is its occurrence nearest to today
(a tie goes to the past). Ages, amounts, coefficients and birth years are not months."""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import date
from operator import itemgetter

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"\d+(?:[/.\-]\d+)*|[a-z]+")
_REPEATS = re.compile(r"([a-z])\1+")
# The repeated letter once: a C callable, where r"\1" runs re's template code in Python for every token
_ONE_LETTER = itemgetter(1)
_ANCHOR = re.compile(  # cheap test: could this message name a month at all?
    r"\b(?:t+h+a*n*g+[sfr]?|thnag|tahng|tang|th|k[yi]|month|january|february|march|april|may|june"
    r"|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|oct|nov|dec)\b|\bt(?:h|hg|hang)?\.?\d|\d[/.\-]\d"
    r"|thang(?:nay|ni|truoc|sau|toi)\b|thang\d|[a-z]thang (?:nay|ni|truoc|sau|toi)\b"
)
_GLUED = re.compile(r"[a-z]*thang(nay|ni|truoc|sau|toi)")  # "tienthangni": typed without spaces
MONTH_WORDS = {"thang", "thangs", "thangf", "thnag", "thng", "tahng", "thag", "thg", "th", "t", "tang"}
PERIOD_WORDS = {"ky", "ki"}  # "kỳ này / kỳ trước / kỳ tới"
SPACED_ONLY_GLUED = {"t"}  # "t10", "t.10" but not "t 10" (t is also "tôi")
RELATIVE = {"nay": 0, "ni": 0, "truoc": -1, "trc": -1,  # "trc": teencode
            "roi": -1, "r": -1, "rui": -1, "qua": -1, "sau": 1, "toi": 1, "den": 1, "ke": 1}
RELATIVE_PAIRS = {("hien", "tai"): 0, ("vua", "roi"): -1, ("vua", "qua"): -1, ("ke", "tiep"): 1,
                  ("truoc", "nua"): -2}
NAMED = {"gieng": 1, "chap": 12, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "nam": 5, "bay": 7, "tam": 8,
         "chin": 9}
COUNTING = {"may", "cac", "nhung", "moi", "hang", "vai", "mot", "hai", "ba", "bon", "nam", "sau", "bay",
            "tam", "chin", "muoi", "nhieu", "bao"}
NOT_A_MONTH_AFTER = {"tuoi", "nguoi", "lan", "nghin", "ngan", "trieu", "k", "dong", "d", "vnd", "gio",
                     "h", "phut", "nam", "tr", "xuat", "cai"}
BA_IS_FATHER_BEFORE = {"toi", "tui", "minh", "em", "noi", "ngoai", "cua", "no", "anh", "chi", "con", "u"}
YEAR_WORDS = {("nam", "nay"): 0, ("nam", "ni"): 0, ("nam", "ngoai"): -1, ("nam", "truoc"): -1,
              ("nam", "roi"): -1,
              ("nam", "sau"): 1, ("nam", "toi"): 1}
ENGLISH_MONTHS = {name: i + 1 for i, name in enumerate((
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december"))}
ENGLISH_MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sept": 9,
                       "oct": 10,
                       "nov": 11, "dec": 12})  # not "sep": that is "sếp", the boss
ENGLISH_RELATIVE = {"this": 0, "last": -1, "previous": -1, "next": 1}
DATE_WORDS = {"ngay", "mung", "hom", "bua"}


def nearest(month: int, today: date) -> str:
    """The occurrence of `month` closest to today; on a tie, the past one."""
    now = today.year * 12 + today.month - 1
    best = min(((year * 12 + month - 1) for year in (today.year - 1, today.year, today.year + 1)),
               key=lambda index: (abs(index - now), index > now))
    return f"{best // 12:04d}-{best % 12 + 1:02d}"


def shift(today: date, months: int) -> str:
    index = today.year * 12 + today.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _resolve(month: int, year: int | None, today: date) -> str | None:
    if not 1 <= month <= 12:
        return None
    if year is None:
        return nearest(month, today)
    if today.year - 10 <= year <= today.year + 2:
        return f"{year:04d}-{month:02d}"
    return None


def _numeric(text: str) -> tuple[int, int | None] | None:
    """'10' -> (10, None); '10/2026', '10-2026', '2026-10', '05/10/2026' -> (10, 2026)."""
    parts = re.split(r"[/.\-]", text)
    if not all(parts):
        return None
    numbers = [int(p) for p in parts]
    if len(parts) == 1:
        return (numbers[0], None) if len(parts[0]) <= 2 else None
    if len(parts) == 2 and len(parts[1]) == 4 and len(parts[0]) <= 2:
        return numbers[0], numbers[1]
    if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) <= 2:
        return numbers[1], numbers[0]
    if len(parts) == 3 and len(parts[2]) == 4 and len(parts[1]) <= 2 and numbers[0] <= 31:
        return numbers[1], numbers[2]
    return None


def _year_after(tokens: list[str], index: int, today: date) -> int | None:
    """'… năm 2025', '… năm ngoái' right after the month."""
    if index + 1 < len(tokens) and tokens[index] == "nam":
        following = tokens[index + 1]
        if following.isdigit() and len(following) == 4:
            return int(following)
        if ("nam", following) in YEAR_WORDS:
            return today.year + YEAR_WORDS[("nam", following)]
    return None


def extract_period(lower: str, folded: str, today: date) -> str | None:
    """The first month mentioned, as YYYY-MM, or None."""
    return next((period for period, _start, _day in mentions(lower, folded, today)), None)


def mentions(lower: str, folded: str, today: date) -> Iterator[tuple[str, int, bool]]:
    """Every month mentioned, in order, as (YYYY-MM, where its words start in `folded`, whether it
    is the month of a full date such as "28/11" or "15/11/2026": a day something happened)."""
    if not _ANCHOR.search(folded):
        return
    spans = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]
    tokens = [_REPEATS.sub(_ONE_LETTER, s[0]) for s in spans]
    taken = -1  # the last token a month was read from ("tháng 10/2026" is one month)
    for i, word in enumerate(tokens):
        if i <= taken:
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        prev = tokens[i - 1] if i else ""
        if word in MONTH_WORDS or word in PERIOD_WORDS:
            found = _after_month_word(tokens, spans, lower, folded, i, today)
            if found:
                taken = i + 1
                yield found, spans[i][1], False
        elif glued := _GLUED.fullmatch(word):
            yield shift(today, RELATIVE[glued.group(1)]), spans[i][1], False
        elif word.endswith("thang") and nxt in RELATIVE and spans[i][2] < spans[i + 1][1]:
            taken = i + 1  # "tienthang nay": the word before glued on
            yield shift(today, RELATIVE[nxt]), spans[i][1], False
        elif word.endswith("thang") and nxt.isdigit() and spans[i][2] == spans[i + 1][1] \
                and (found := _resolve(int(nxt), None, today)):
            taken = i + 1  # "tienthang12": typed without spaces
            yield found, spans[i][1], False
        elif word in ENGLISH_RELATIVE and nxt == "month":
            yield shift(today, ENGLISH_RELATIVE[word]), spans[i][1], False
        elif word in ENGLISH_MONTHS and (word != "may" or prev in ("in", "of", "for")):
            year = int(nxt) if nxt.isdigit() and len(nxt) == 4 else None
            found = _resolve(ENGLISH_MONTHS[word], year, today)
            if found:
                yield found, spans[i][1], False
        elif word[:1].isdigit() and not word.isdigit():
            parsed = _numeric(word)
            if parsed and parsed[1] is not None:
                found = _resolve(parsed[0], parsed[1], today)
                if found:
                    yield found, spans[i][1], word.count("/") + word.count("-") + word.count(".") == 2
            elif parsed is None and prev in DATE_WORDS and word.count("/") == 1:
                day, month = word.split("/")
                if day.isdigit() and month.isdigit() and int(day) <= 31:
                    found = _resolve(int(month), None, today)
                    if found:
                        yield found, spans[i][1], True


def _after_month_word(tokens, spans, lower: str, folded: str, i: int, today: date) -> str | None:
    word = tokens[i]
    if word == "tang" and lower[spans[i][1]:spans[i][2]] != "tang":
        return None  # "tăng" (a rise); bare "tang" is "tháng" missing its h
    prev = tokens[i - 1] if i else ""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    after = tokens[i + 2] if i + 2 < len(tokens) else ""
    is_period_word = word in PERIOD_WORDS
    if nxt[:1].isdigit() and not is_period_word:
        gap = folded[spans[i][2]:spans[i + 1][1]]
        if word in SPACED_ONLY_GLUED and gap not in ("", "."):
            return None
        if word in ("th", "t") and prev.isdigit() and len(prev) < 5:
            return None  # "3 t 11", but not a code before it: "46002391 t11"
        # "tháng 9, người phát …"
        apart = i + 2 < len(spans) and folded[spans[i + 1][2]:spans[i + 2][1]].strip() != ""
        # "tháng 10 người phát…"
        counted = after in NOT_A_MONTH_AFTER and not (after == "nguoi" and word == "thang")
        if prev in ("moi", "hang") or counted and not apart \
                and not (after == "nam" and _year_after(tokens, i + 2, today)):
            return None
        parsed = _numeric(nxt)
        if parsed is None:
            return None
        month, year = parsed
        if year is None:
            year = _year_after(tokens, i + 2, today)
        return _resolve(month, year, today)
    if word == "t":
        return None
    if prev.isdigit() and len(prev) <= 2 or prev in COUNTING:
        return None  # "3 tháng rồi", "mấy tháng qua": a count of months, not one month
    if prev in ("dang",) and is_period_word:
        return None
    nxt_lower = lower[spans[i + 1][1]:spans[i + 1][2]] if nxt else ""
    if not is_period_word and nxt == "muoi":
        extra = {"mot": 11, "hai": 12}.get(after)
        return _resolve(extra or 10, _year_after(tokens, i + (3 if extra else 2), today), today)
    if not is_period_word and nxt == "sau" and nxt_lower == "sáu":
        return _resolve(6, _year_after(tokens, i + 2, today), today)
    if (nxt, after) in RELATIVE_PAIRS:
        return shift(today, RELATIVE_PAIRS[(nxt, after)])
    if nxt == "toi" and nxt_lower in ("tôi", "tui"):
        return None
    if nxt in RELATIVE:
        if nxt == "roi" and after in ("khong", "ma", "chua", "van") and prev in ("", "da"):
            return None
        shifted = shift(today, RELATIVE[nxt])
        year = _year_after(tokens, i + 2, today)  # "tháng này năm ngoái": this month, last year
        return f"{year:04d}{shifted[4:]}" if year and RELATIVE[nxt] == 0 else shifted
    if not is_period_word and nxt in NAMED:
        if nxt == "ba" and after in BA_IS_FATHER_BEFORE:
            return None
        if nxt == "nam" and (after in ("nay", "ngoai", "truoc", "sau", "toi", "roi") or after.isdigit()):
            return None
        if nxt == "tu" and nxt_lower == "từ":
            return None
        if nxt == "mot" and nxt_lower == "mốt":
            return None
        return _resolve(NAMED[nxt], _year_after(tokens, i + 2, today), today)
    return None


_COMPARED = re.compile(r"(?:\bhon|\bso voi|\bnhu|\bbang|\bkhac|\bthan|\binstead of|\bcompared (?:to|with)"
                       r"|\bvs"
                       r"|\bcuoi|\bdau|\bgiua)\W*$")  # or a time of the month ("giờ đã cuối tháng 11")
# A month said to be settled in its own clause ("tháng 11 thì bà nhận rồi", "November's arrived
# fine") is told, not asked about, when another month is named too.
_SETTLED = re.compile(r"[^,.;?!]*?\b(?:(?:nhan|lanh|linh|co|ve|nhan duoc|lanh duoc|linh duoc) roi"
                      r"|chac chan co\b"  # "tháng 4 thì chắc chắn có"
                      r"|(?:arrived|came|received|was paid|got it|did|i have|i know)\b(?! not))")
# Of several months, the one whose own clause holds the question word is asked about ("Sao tháng này
# chỉ được 500 nghìn, tháng trước được 750 nghìn?": this month; the other is what it is held against).
_ASKS = re.compile(r"\b(?:sao|rang|bao nhieu|bao gio|khi nao|the nao|why|how come|how much|yet)\b"
                   r"|\b(?:chua|khong)(?:\W+(?:a|ha|vay|rua|anh|chi|em|o|ad|admin|nhi|nhe|nha|con|ta|he|hi))*\W*$")
CLAUSE_BREAK = re.compile(r"[,.;?!]+")  # what ends a typed clause (also core.nlu._clause_end)
_LISTED = re.compile(r"^\S+\W*\S*\W*(?:(?:va|voi|hoac|and|or|,)\W*)?$")  # "tháng 8, tháng 9": one list


def _clause(folded: str, at: int) -> str:
    """The typed clause around position `at`: from the break before it to the break after it."""
    start = max((m.end() for m in CLAUSE_BREAK.finditer(folded, 0, at)), default=0)
    end = CLAUSE_BREAK.search(folded, at)
    return folded[start:end.start() if end else len(folded)]


def _asks_in_words(folded: str, at: int) -> bool:
    """The clause around `at` holds a question word or ends on "chưa / không" ("tháng 10 có chưa ạ")."""
    return bool(_ASKS.search(_clause(folded, at)))


def _asks_by_mark(folded: str, at: int) -> bool:
    """A question mark ends the clause around `at` ("did the October payment come? September did.")."""
    end = CLAUSE_BREAK.search(folded, at)
    return bool(end) and "?" in end.group()


def asked_month(lower: str, folded: str, today: date, after: int = 0) -> tuple[str | None, bool, int | None]:
    """The month a message asks about, and whether only a full date named it. Of several months,
    the last one named after `after` (the last "xin hỏi"): people tell what happened first and ask
    last ("tháng 10 lãnh rồi, còn tháng 11 thì răng"), except the month a change is measured
    against ("tháng 12 nhiều hơn tháng 11"). A day ("chết ngày 28/11") counts when no month does.
    Third: where the asked month's words start when another month came before it, else None."""
    found = list(mentions(lower, folded, today))
    if not found:
        return None, False, None
    months = [m for m in found if not m[2]] or found
    later = [m for m in months if m[1] >= after] or months
    asked = later
    if len(later) > 1:  # one month is the one asked about: each filter below would keep it
        asked = [m for m in later if not _COMPARED.search(folded[max(0, m[1] - 16):m[1]])] or later
        asked = [m for m in asked if not _SETTLED.match(folded, m[1])] or asked
        if len(asked) > 1:
            questioned = [m for m in asked if _asks_in_words(folded, m[1])] \
                or [m for m in asked if _asks_by_mark(folded, m[1])]
            if len(questioned) == 1:
                asked = questioned
    last = len(asked) - 1
    while last and _LISTED.match(folded[asked[last - 1][1]:asked[last][1]]):
        last -= 1  # a list of months is about its first ("xem lại tiền tháng 8, tháng 9")
    period, start, day = asked[last]
    return period, day, start if start > found[0][1] else None
