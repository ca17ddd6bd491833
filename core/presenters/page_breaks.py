"""Where a long text may be cut into screens (USSD pages): between lines (menu items, months of a
history) first, then between sentences, then after a comma or a colon, then between words — but
never inside a group that reads as one: a number and the word it goes with ("750.000 đồng",
"ngày 05/11/2026", "SĐT 0357 221 518", "từ 1 đến 3"), a short parenthesised group
("(từ 1 đến 3)", "(VNPost – VietinBank)"), a name ("Nguyễn Thị Lài", "Xã Phú Vinh") or a calculation
("500.000đ × hệ số 2 = 1.000.000đ").

A gap's strength says how good a cut it is; a page ends at the gap that best weighs a strong cut
against a full screen (fewer screens to press through). Only a text with no allowed gap in a whole
screen (one very long word or group) is cut anywhere, so no text is ever lost.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

LINE, SENTENCE, PHRASE, WORD, FORBIDDEN = 4, 3, 2, 1, 0
# How much emptier (a fraction of the screen) a page may be to end at a stronger gap: a page ends
# after a sentence rather than after a word unless the word fills 40% more of the screen.
PREFERENCE = {LINE: 0.6, SENTENCE: 0.4, PHRASE: 0.25, WORD: 0.0, FORBIDDEN: 0.0}
OPERATORS = frozenset({"x", "×", "=", "+", "-", "–", "—", "/", "*", ":"})
# words that announce the number after them ("đến 61", "ngày 05/11"), even across a comma
_BEFORE_A_NUMBER = frozenset({"den", "đến", "tu", "từ", "ngay", "ngày", "thang", "tháng", "nam", "năm",
                              "gio", "giờ", "lan", "lần", "sdt", "sđt"})
_TOKENS = re.compile(r"\S+")
_NUMBERED = re.compile(r"\d{1,2} \S")
# A token's last mark, before any closing quotes or brackets: ends a sentence or a phrase. Plain string
# tests, not regular expressions: a USSD answer weighs every one of its gaps (BENCHMARKS.md, issue 24).
_CLOSING = "\"'»)"
_SENTENCE_MARKS = frozenset(".!?…")
_PHRASE_MARKS = frozenset(",;:")
_CLOSED = frozenset(".,;:!?)]»\"'")  # a number ending so is done ("1.000đ,", "(3)")


_DECIMAL = re.compile(r"\d")


def _numeric(token: str) -> bool:
    """Has `token` a digit (str.isdigit)? A regex settles ASCII tokens and letters-only ones;
    other characters (superscripts, circled digits) are digits that \\d does not match."""
    if _DECIMAL.search(token) is not None:
        return True
    return not (token.isascii() or token.isalpha()) and any(ch.isdigit() for ch in token)


def _protected_spans(text: str, longest: int) -> list[tuple[int, int]]:
    """(start, end) of parenthesised groups short enough to keep whole."""
    spans, opened = [], []
    for index, ch in enumerate(text):
        if ch == "(":
            opened.append(index)
        elif ch == ")" and opened:
            start = opened.pop()
            if index - start < longest:
                spans.append((start, index))
    return spans


def gap_strength(left: str, right: str, separator: str) -> int:
    """How good a cut the gap `separator` between tokens `left` and `right` is."""
    if "\n" in separator:
        return LINE
    mark = left.rstrip(_CLOSING)[-1:]
    if mark in _SENTENCE_MARKS and (right[:1].isupper() or right[:1].isdigit()):
        return SENTENCE
    if left in OPERATORS or right in OPERATORS:
        return FORBIDDEN
    if mark in _PHRASE_MARKS:
        bare = left.rstrip(",;:\"'»)")
        if right[:1].isdigit() and (bare[-1:].isdigit() or bare.lower() in _BEFORE_A_NUMBER):
            return FORBIDDEN  # "07/12-08/12, 7h00-11h00" and "đến, 61 tuổi" stay together
        return PHRASE  # "Lài: 750.000đ" may end a page after its colon
    if _numeric(left) and left[-1:] not in _CLOSED:
        return FORBIDDEN  # a number stays with what follows it: "750.000 đồng", "1 đến 3"
    if _numeric(right) and right[0] != "(":
        return FORBIDDEN  # and with the word before it: "ngày 05/11", "SĐT 0357…"
    if left[:1].isupper() and right[:1].isupper():
        return FORBIDDEN  # a name: "Nguyễn Thị Lài", "Xã Phú Vinh", "Viettel Money"
    return WORD


def gaps(text: str, room: int) -> Iterator[tuple[int, int, int]]:
    """(end of the left token, start of the right one, strength) for every gap of `text`. Gaps
    inside a short parenthesised group or inside a line short enough to be an item (a menu
    choice, a month of a history) are forbidden."""
    spans = _protected_spans(text, max(8, room // 2))
    tokens = [match.span() for match in _TOKENS.finditer(text)]
    in_item = _item_line(text, 0, room)
    for (left_start, left_end), (right_start, right_end) in pairwise(tokens):
        separator = text[left_end:right_start]
        strength = gap_strength(text[left_start:left_end], text[right_start:right_end], separator)
        if strength == LINE:
            in_item = _item_line(text, right_start, room)
        elif strength and (in_item or (spans and any(a < left_end < b for a, b in spans))):
            strength = FORBIDDEN
        yield left_end, right_start, strength


def _item_line(text: str, start: int, room: int) -> bool:
    """Is the line from `start` one item to keep whole: a numbered choice ("2 Payment days"), or
    any line of a list that takes at most half a screen?"""
    if "\n" not in text:
        return False
    end = text.find("\n", start)
    line = text[start:] if end == -1 else text[start:end]
    return len(line) <= room and (len(line) <= room // 2 or _NUMBERED.match(line) is not None)


def _cut(text: str, room: int) -> tuple[int, int]:
    """Where the first page of `text` (longer than `room`) ends, and where the next begins: the
    allowed gap that best weighs a strong cut against a full page, else the last gap, else
    `room` (a single word longer than a screen)."""
    best, best_score, last = None, -1.0, None
    # a page's cut depends on at most a screen beyond it (where its bracket closes, its line ends)
    for stop, start, strength in gaps(text[:2 * room + 2], room):
        if stop > room:
            break
        last = (stop, start)
        score = stop + PREFERENCE[strength] * room
        if strength and score >= best_score:
            best, best_score = (stop, start), score
    return best or last or (room, room)


def pages(text: str, room: int) -> list[str]:
    """`text` in pages of at most `room` characters, each cut at the best allowed gap."""
    result: list[str] = []
    remaining = text.strip()
    while len(remaining) > room:
        stop, start = _cut(remaining, room)
        result.append(remaining[:stop].rstrip())
        remaining = remaining[start:].strip()
    if remaining or not result:
        result.append(remaining)
    return result


def first_part(text: str, room: int, ellipsis: str = "...") -> str:
    """The start of `text` that fits `room` with an ellipsis, cut at an allowed gap."""
    if len(text) <= room:
        return text
    stop, _ = _cut(text, room - len(ellipsis))
    return text[:stop].rstrip(" ,;:.") + ellipsis
