"""What a reader of a USSD screen may not see cut in two (issue 18 item 18), checked on two
consecutive pages as a phone shows them, independently of how core.presenters.page_breaks chooses: a
number and the unit after it ("750.000 / dong", "(tu 1 den / 3)"), a parenthesised group, a
numbered menu item, or a word."""
from __future__ import annotations

import re

UNIT_WORDS = {"d", "dong", "đ", "đồng", "vnd", "%", "tuoi", "tuổi", "thang", "tháng", "ngay", "ngày", "nam",
              "năm",
              "gio", "giờ", "h", "phut", "phút", "den", "đến", "lan", "lần", "nguoi", "người", "x", "×", "="}
_ITEM = re.compile(r"^\d{1,2} \S")


def seam_problem(before: str, after: str, separator: str = " ") -> str | None:
    """Why the cut between page `before` and page `after` is not allowed (None when it is);
    `separator` is what stood between them, when known (a line break ends any group but a bracket)."""
    if not before or not after:
        return "an empty page"
    if before.count("(") > before.count(")") and after.count(")") > after.count("("):
        return "a parenthesised group is cut"
    if "\n" in separator:
        return None
    last, first = before.split()[-1], after.split()[0]
    # units are lower case ("dong", "tuoi", "den"): a capital after a number starts a new line or sentence
    if last[-1].isdigit() and (first.rstrip(".,;:)") in UNIT_WORDS or first[:1].isdigit()):
        return f"a number is cut from what follows it ({last!r} / {first!r})"
    if last.lower() in UNIT_WORDS - {"d", "h"} and first[:1].isdigit():
        return f"a word is cut from its number ({last!r} / {first!r})"
    return None


def check_pages(text: str, pages: list[str], room: int) -> None:
    """Every page fits `room`, nothing is lost or split inside a word, and every seam is allowed."""
    assert all(len(page) <= room for page in pages), [len(page) for page in pages]
    position = 0
    whole = text.strip()
    for index, page in enumerate(pages):
        found = whole.find(page, position)
        assert found == position, (page, whole[position:position + 40])
        position = found + len(page)
        if index + 1 < len(pages):
            gap = re.match(r"\s+", whole[position:])
            assert gap, f"cut inside a word: {page[-15:]!r} / {whole[position:position + 15]!r}"
            problem = seam_problem(page, pages[index + 1], gap.group())
            assert problem is None, (problem, page[-40:], pages[index + 1][:40])
            line = whole[whole.rfind("\n", 0, position) + 1:].split("\n", 1)[0]
            item = _ITEM.match(line) and len(line) <= room
            assert "\n" in gap.group() or not item, f"menu item cut: {line!r}"
            position += len(gap.group())
    assert position == len(whole), "text was lost after the last page"
