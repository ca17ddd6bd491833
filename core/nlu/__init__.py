"""What a beneficiary or guardian wants, from one free-text message in Vietnamese or English:
`parse("Tiền tháng ni của mệ về chưa rứa", today)` -> Parse("payment_status", {"period": "2026-11"}, …).

Pure Python and rule-based (no model to download): the message is normalised (diacritics,
teencode, Huế dialect, typos), SMS keywords are tried first, then weighted phrases per intent are
scored. Everything is compiled once at import so a parse costs tens of microseconds.

May import: the loose modules only (it reads no database)."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from core.nlu.fuzzy import ENGLISH_WORDS, vietnamese_syllables
from core.nlu.keywords import parse_keyword
from core.nlu.language import requested_language
from core.nlu.normalize import Normalized, Normalizer, ends_with
from core.nlu.periods import extract_period
from core.nlu.scoring import Lexicon, compile_lexicon, decide, matched_phrases, score
from core.nlu.slots import extract_slots

logger = logging.getLogger(__name__)

INTENTS = ("greeting", "thanks", "help", "payment_status", "payment_schedule", "payment_amount",
           "payment_history", "payment_method", "eligibility", "register", "report_change", "complaint",
           "contact_officer", "stop", "change_language", "unknown")
__all__ = ["INTENTS", "Parse", "parse"]


@dataclass(frozen=True)
class Parse:
    intent: str  # one of INTENTS
    slots: dict[str, str]  # period, beneficiary_code, dob, national_id, phone (E.164), language
    confidence: float  # 0..1
    elsewhere: bool = False  # "unknown" because it is another office's business (pensions, BHYT …)


OPENERS = frozenset(("xin", "cho", "muon", "phep", "em", "toi", "minh", "con", "chau", "giup"))
PAST = frozenset(("thang", "truoc", "nam", "do", "xua", "nay", "ay"))  # "hồi tháng 8": back then, not "hỏi"
ASKED_BONUS = 0.5
# _after_opener, on text
_OPENER = re.compile(rf"\b(?:{'|'.join(OPENERS)})\s+hoi\b(?!\s+(?:{'|'.join(PAST)})\b)")
OTHER_PROGRAMME = 5.0  # pensions, war veterans' pay, flood relief … named without this allowance
_ASKED_CHUA = re.compile(r"\bchua(?:\s+(?:roi|vay|rua|a|ha|o|nhi|he|hi|nghe|ne)){0,2}\s*[,.;!?]")
# And a closing chưa/không
QUESTION_WORDS = frozenset(("nhieu", "may", "sao", "gi", "nao", "dau", "khi", "ai"))
RULE_FILES = sorted(Path(__file__).resolve().parent.glob("rules_*.txt"))


def _build() -> tuple[Normalizer, Lexicon]:
    """Rules are normalised like messages; the real normaliser then knows their words for typo fixes."""
    protected = vietnamese_syllables() | ENGLISH_WORDS
    bootstrap = Normalizer(set(), protected)  # the same words kept unfolded ("all", "cccd") as in messages
    texts = [path.read_text(encoding="utf-8") for path in RULE_FILES]
    lexicon = compile_lexicon(texts, lambda phrase: bootstrap.normalize(phrase).tokens)
    return Normalizer(set(lexicon.vocabulary), protected, lexicon.prefixes), lexicon


_NORMALIZER, _LEXICON = _build()


def parse(text: str, today: date) -> Parse:
    """Intent, slots and confidence of one message; never raises on odd input."""
    text = text if isinstance(text, str) else str(text or "")
    norm = _NORMALIZER.normalize(text)
    slots = extract_slots(norm.folded, today)
    keyword = parse_keyword(norm.folded, today, norm.lower)
    if keyword is not None:
        intent, keyword_slots = keyword
        slots.update(keyword_slots)
        return Parse(intent, slots, 0.99)
    period = _period(norm, today)
    if period:
        slots["period"] = period
    asking = norm.question or not QUESTION_WORDS.isdisjoint(norm.tokens) \
        or ends_with(norm.tokens, "chua") or ends_with(norm.tokens, "khong")
    scores, elsewhere = _scores(norm, slots, today)
    intent, confidence = decide(scores, asking)
    if intent == "payment_amount" and slots.get("period") == today.strftime("%Y-%m"):
        del slots["period"]  # "why so little this month": the current month is the default, not a query
    if intent == "unknown" and not norm.tokens:
        confidence = 0.9
    if intent == "change_language":
        slots["language"] = requested_language(norm.tokens)
    return Parse(intent, slots, confidence, elsewhere=intent == "unknown" and elsewhere)


def _scores(norm: Normalized, slots: dict[str, str], today: date) -> tuple[dict[str, float], bool]:
    """Per-intent scores, and whether the message is about another office's money."""
    virtual = []
    if ends_with(_without_trailing_code(norm.tokens), "chua") or _ASKED_CHUA.search(norm.folded):
        virtual.append("__qchua")  # "… về chưa" or "… về chưa, mà …": has it happened yet?
    future = "period" in slots and slots["period"] > today.strftime("%Y-%m")
    if future:
        virtual.append("__future")
    if "beneficiary_code" in slots:
        virtual.append("__code")
    if "phone" in slots:
        virtual.append("__phone")
    found = matched_phrases(_LEXICON, norm.tokens, virtual)
    scores = score(_LEXICON, found)
    elsewhere = "__other" in found and "__ours" not in found
    if elsewhere:  # "lương hưu tháng 12 có tăng không": another office's money
        scores["unknown"] = scores.get("unknown", 0.0) + OTHER_PROGRAMME
    asked = _after_opener(norm.tokens)
    if asked:  # "Kính gửi cán bộ, tôi là con ông Thành … xin hỏi tiền tháng 10 đã chi chưa"
        for intent, value in score(_LEXICON, matched_phrases(_LEXICON, asked, virtual)).items():
            scores[intent] = scores.get(intent, 0.0) + ASKED_BONUS * value
    if future and scores.get("payment_status"):
        scores["payment_status"] -= 1.0
    return scores, elsewhere


def _after_opener(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The words after the last "xin hỏi" / "cho em hỏi" / "muốn hỏi": in a long message that is
    the question; what comes before (who is writing, for whom, from where) only sets the scene."""
    for i in range(len(tokens) - 2, 0, -1):
        if tokens[i] == "hoi" and tokens[i - 1] in OPENERS and tokens[i + 1] not in PAST:
            return tokens[i + 1:] if i >= 3 else ()
    return ()


def _period(norm: Normalized, today: date) -> str | None:
    """The month asked about: the first one named, or, when a month is named after the last
    "xin hỏi", that one ("cháu tròn 4 tuổi vào tháng 12, xin hỏi từ tháng 1 …" asks about January)."""
    period = extract_period(norm.lower, norm.folded, today)
    if period is None:
        return None
    openers = list(_OPENER.finditer(norm.folded))
    if not openers:
        return period
    start = openers[-1].end()
    return extract_period(norm.lower[start:], norm.folded[start:], today) or period


def _without_trailing_code(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """"… chưa, mã 4603317": a code typed after the question does not end it."""
    if tokens[-1:] == ("#",):
        tokens = tokens[:-1]
        if tokens[-1:] in (("ma",), ("so",)):
            tokens = tokens[:-1]
    return tokens


def explain(text: str, today: date) -> tuple[tuple[str, ...], dict[str, float]]:
    """The tokens and per-intent scores behind a parse, for tuning and test failure reports."""
    norm = _NORMALIZER.normalize(text)
    slots = extract_slots(norm.folded, today)
    period = _period(norm, today)
    if period:
        slots["period"] = period
    return norm.tokens, _scores(norm, slots, today)[0]
