"""USSD pages break between items, sentences, phrases or words, never inside a group that reads as
one (issue 18 item 18): generated long texts made of the answers' own kinds of phrase, and the
answers that broke mid-phrase before ("(tu 1 den" / "9 Tiep")."""
from __future__ import annotations

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.presenters.page_breaks import first_part, pages
from tests.support.fuzz_support import fuzz_settings
from tests.support.import_fuzz_support import examples
from tests.support.page_seams import check_pages, seam_problem

WORDS = st.sampled_from(["tien", "tro", "cap", "cua", "ba", "ong", "da", "chi", "tra", "vao", "vi", "Viettel",
                         "Money", "tai", "khoan", "thuong", "trong", "ngay", "dau", "thang", "xa", "Nha",
                         "van", "hoa", "thon", "Binh", "Thanh", "can", "bo", "phu", "trach", "Huong", "Thuy"])
GROUPS = st.one_of(
    st.builds(lambda n: f"{n:,}".replace(",", ".") + "d", st.integers(100_000, 5_000_000)),
    st.builds(lambda n: f"{n:,}".replace(",", ".") + " dong", st.integers(100_000, 5_000_000)),
    st.builds(lambda d, m: f"ngay {d:02d}/{m:02d}/2026", st.integers(1, 28), st.integers(1, 12)),
    st.builds(lambda a, b: f"(tu {a} den {b})", st.integers(1, 5), st.integers(6, 9)),
    st.builds(lambda a, b: f"tu {a} den {b} tuoi", st.integers(16, 60), st.integers(61, 80)),
    st.just("(VNPost - VietinBank)"),
    st.builds(lambda p: f"SDT 0{p:03d} {p:03d} {p:03d}", st.integers(100, 999)),
    st.builds(lambda c: f"500.000d x he so {c} = {500_000 * c:,}d".replace(",", "."), st.integers(1, 3)),
    st.just("7h30-11h00"),
)


@st.composite
def sentences(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        parts.append(" ".join(draw(st.lists(WORDS, min_size=1, max_size=4))))
        if draw(st.booleans()):
            parts.append(draw(GROUPS))
    text = " ".join(parts)
    for _ in range(draw(st.integers(0, 2))):  # a comma after a word
        words = text.split(" ")
        at = draw(st.integers(0, len(words) - 2)) if len(words) > 1 else 0
        if words[at][-1:].isalpha():
            words[at] += ","
        text = " ".join(words)
    return text[:1].upper() + text[1:] + draw(st.sampled_from([".", ".", "?", ":"]))


@st.composite
def answers(draw) -> str:
    """A paragraph of sentences, or a heading and a list of items (a history, a menu)."""
    if draw(st.booleans()):
        return " ".join(draw(st.lists(sentences(), min_size=1, max_size=12)))
    items = draw(st.lists(sentences(), min_size=1, max_size=12))
    numbered = draw(st.booleans())
    lines = [f"{i} {item}" if numbered else item for i, item in enumerate(items, 1)]
    return "\n".join([draw(sentences()), *lines])


@hsettings(fuzz_settings, max_examples=examples(300))
@given(text=answers(), room=st.integers(90, 178))
def test_long_texts_break_only_where_they_may(text, room):
    check_pages(text, pages(text, room), room)


@hsettings(fuzz_settings, max_examples=examples(150))
@given(text=answers(), room=st.integers(40, 178))
def test_the_start_of_a_page_after_a_hint_is_cut_where_it_may_be(text, room):
    cut = first_part(text, room)
    assert len(cut) <= room
    if cut != text:
        kept = cut[:-3]
        assert text.startswith(kept) and text[len(kept):][:1] in (" ", "\n", ",", ";", ":", ".")
        rest = text[len(kept):].lstrip(" ,;:.\n")
        separator = text[len(kept):len(text) - len(rest)]
        if rest and kept:
            assert seam_problem(kept, rest, separator) is None, (kept[-30:], rest[:30])


def test_a_word_longer_than_a_screen_is_still_shown_whole_across_pages():
    text = "Xem " + "x" * 300 + " nhe"
    assert "".join(pages(text, 100)).replace(" ", "") == text.replace(" ", "")


def test_the_amount_answer_that_broke_inside_its_bracket():
    text = ("Ba Hoang Thi Cuc: muc chuan 500.000d x he so 2 = 1.000.000d. Nguoi thuoc nhieu dien chi duoc "
            "huong he so cao nhat. He so tuy theo dien doi tuong (tu 1 den 3).")
    for room in range(60, 160):
        check_pages(text, pages(text, room), room)
    last = "He so tuy theo dien doi tuong (tu 1 den 3)."
    assert pages(text, 157) == [text[:text.index(" He so tuy")], last]


def test_a_history_keeps_its_months_whole():
    text = "Cac ky chi tra:\n" + "\n".join(f"Thang {m}/2026: 750.000d, da chi tra ngay 05/{m:02d}/2026"
                                          for m in range(12, 0, -1))
    screens = pages(text, 157)
    assert len(screens) > 1
    check_pages(text, screens, 157)
    assert all(line.startswith(("Thang", "Cac")) for screen in screens for line in screen.splitlines())
