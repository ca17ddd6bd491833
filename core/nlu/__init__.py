"""What a beneficiary or guardian wants, from one free-text message in Vietnamese or English:
`parse("Tiền tháng ni của mệ về chưa rứa", today)` -> Parse("payment_status", {"period": "2026-11"}, …).

Pure Python, nothing downloaded: the message is normalised (diacritics, teencode, Huế dialect,
typos), SMS keywords are tried first, then weighted phrases per intent are scored, and a small
learned model (core.nlu.model, committed weights) reads the same words; core.nlu.combine decides
between the two and when to ask. Everything is compiled or loaded once at import.

May import: the loose modules only (it reads no database)."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from core.clock import period_of
from core.nlu import model
from core.nlu.combine import combine
from core.nlu.fuzzy import ENGLISH_WORDS, vietnamese_syllables
from core.nlu.keywords import keyword_led, parse_keyword
from core.nlu.language import requested_language
from core.nlu.lexicon import (
    Explanation,
    Lexicon,
    compile_lexicon,
    matched_rules,
    read_rules,
    rule_files,
)
from core.nlu.normalize import Normalized, Normalizer, ends_with
from core.nlu.periods import CLAUSE_BREAK, asked_month
from core.nlu.scoring import decide, matched_phrases, score
from core.nlu.slots import PHONE, extract_slots
from core.nlu.unsure import choices_for

logger = logging.getLogger(__name__)

INTENTS = ("greeting", "thanks", "help", "payment_status", "payment_schedule", "payment_amount",
           "payment_history", "payment_method", "eligibility", "register", "report_change", "complaint",
           "contact_officer", "stop", "change_language", "unknown")
PAYMENT_INTENTS = ("payment_status", "payment_schedule", "payment_amount", "payment_history",
                   "payment_method")
__all__ = ["INTENTS", "Explanation", "Parse", "explain", "parse"]


@dataclass(frozen=True)
class Parse:
    intent: str  # one of INTENTS
    slots: dict[str, str]  # period, beneficiary_code, dob, national_id, phone (E.164), language
    confidence: float  # 0..1
    elsewhere: bool = False  # "unknown" because it is another office's business (pensions, BHYT …)
    choices: tuple[str, ...] = ()  # unsure: the likely meanings to offer, best first (core.nlu.unsure)
    topic: str | None = None  # out of scope or unsure: what else it may be about (papers, health, other_aid)


OPENERS = frozenset(("xin", "cho", "muon", "phep", "em", "toi", "minh", "con", "chau", "giup"))
PAST = frozenset(("thang", "truoc", "nam", "do", "xua", "nay", "ay"))  # "hồi tháng 8": back then, not "hỏi"
ASKED_BONUS = 0.5
REFUSALS = {("khong", "can"), ("chang", "can"), ("khoi", "can"), ("chua", "can"), ("no", "need"),
            ("don", "t"), ("dont", "need"), ("khong", "hoi"), ("not", "asking")}
WANTED = frozenset(("only", "just"))  # "không cần X, chỉ cần Y": Y is the question
WANTED_AFTER_CHI = {("can",), ("la",), ("muon",), ("hoi",), ("xin",)}
# A month and the words of a follow-up about it ("còn tháng trước?", "tháng trước thì răng"):
# the conversation answers it from the question before.
_NOT_CONTENT = frozenset(("#", "thang", "t", "truoc", "nay", "ni", "sau", "toi", "con", "roi", "ky", "thi",
                          "rang", "sao", "the", "nao", "ra", "vay", "ha", "a", "nhi", "khong", "chua"))
# _after_opener, on text
_OPENER = re.compile(rf"\b(?:{'|'.join(OPENERS)})\s+hoi\b(?!\s+(?:{'|'.join(PAST)})\b)")
TOPICS = {"__papers": "papers", "__health": "health", "__aid": "other_aid"}  # tags of rules/shared.txt
OUT_OF_SCOPE = frozenset((*TOPICS, "__places", "__chat", "__wrong"))  # count unless this allowance is named
OTHER_PROGRAMME = 5.0  # pensions, war veterans' pay, flood relief … named without this allowance
TOPIC_DAMPING = 0.5  # what in-scope words weigh in a message about another topic
_ASKED_CHUA = re.compile(r"\bchua(?:\s+(?:roi|vay|rua|a|ha|o|nhi|he|hi|nghe|ne)){0,2}\s*[,.;!?]")
QUESTION_WORDS = frozenset(("nhieu", "may", "sao", "gi", "nao", "dau", "khi", "ai",
                            "nghi"))  # and a closing chưa/không; "đề nghị" asks in a letter


def _build() -> tuple[Normalizer, Lexicon]:
    """Rules are normalised like messages; the real normaliser then knows their words for typo fixes."""
    protected = vietnamese_syllables() | ENGLISH_WORDS
    bootstrap = Normalizer(set(), protected)  # the same words kept unfolded ("all", "cccd") as in messages
    lexicon = compile_lexicon(read_rules(rule_files(), lambda phrase: bootstrap.normalize(phrase).tokens))
    return Normalizer(set(lexicon.vocabulary), protected, lexicon.prefixes), lexicon


_NORMALIZER, _LEXICON = _build()
_MODEL = model.load()


def parse(text: str, today: date) -> Parse:
    """Intent, slots and confidence of one message; never raises on odd input."""
    return _parse(text, today)


def _parse(text: str, today: date, trace: dict | None = None) -> Parse:
    """parse(); `trace`, when given, receives the rules' own reading and the model's (explain())."""
    text = text if isinstance(text, str) else str(text or "")
    norm = _NORMALIZER.normalize(text)
    slots = extract_slots(norm.folded, today)
    keyword = parse_keyword(norm.folded, today, norm.lower)
    if keyword is not None:
        intent, keyword_slots = keyword
        slots.update(keyword_slots)
        return Parse(intent, slots, 0.99)
    opened = _opener_end(norm.folded)
    period, only_a_day, asked_at = _period(norm, today, opened)
    if period:
        slots["period"] = period
    asking = norm.question or not QUESTION_WORDS.isdisjoint(norm.tokens) \
        or ends_with(norm.tokens, "chua") or ends_with(norm.tokens, "khong") \
        or bool(opened or _ASKED_CHUA.search(norm.folded))  # "xin hỏi … chưa, để …"
    seen: list = []
    wanted = _without_refused(norm)  # what the rules score and the model reads
    scores, elsewhere = _scores(norm, slots, today, wanted, seen, asked_at)
    intent, confidence = decide(scores, asking)
    if intent == "unknown" and not norm.tokens:
        confidence = 0.9
    choices = choices_for(scores, intent, elsewhere and intent == "unknown", "beneficiary_code" in slots)
    if not norm.tokens and norm.question:  # "?" alone: what can this number do
        intent, choices = "help", ()
    reading = None if keyword_led(norm.folded) else _learned(_model_words(wanted))
    decision = combine(intent, confidence, choices, reading, elsewhere and intent == "unknown")
    if trace is not None:
        trace.update(rules=(intent, confidence), reading=reading, by_model=decision.by_model)
    intent, confidence, choices = decision.intent, decision.confidence, decision.choices
    if intent == "stop" and "__death" in seen[0]:
        intent = "report_change"  # "mạ tui mất hôm qua rồi, đừng nhắn nữa": the death must be acted on
    if intent == "change_language":
        slots["language"] = requested_language(norm.tokens)
    if only_a_day and intent not in PAYMENT_INTENTS:
        slots.pop("period", None)  # "mất ngày 28/11", "chuyển từ 15/11/2026": a day, not a payment month
    elsewhere = intent == "unknown" and elsewhere
    topic = next((TOPICS[tag] for tag in TOPICS if tag in seen[0]), None) \
        if (intent == "unknown" or choices) and not elsewhere else None
    return Parse(intent, slots, confidence, elsewhere=elsewhere, choices=choices, topic=topic)


def _scores(norm: Normalized, slots: dict[str, str], today: date, wanted: tuple[str, ...],
            seen: list | None = None, asked_at: int | None = None) -> tuple[dict[str, float], bool]:
    """Per-intent scores, and whether the message is about another office's money. `seen`, when
    given, receives the phrases found in the whole message and in the question after "xin hỏi"
    (or, of several months, from the one asked about: "tháng 10 lãnh rồi, còn tháng 11 …").
    `wanted`: the message's words less what it refuses (_without_refused), as the model reads them."""
    virtual = []
    if ends_with(_without_trailing_code(norm.tokens), "chua") or _ASKED_CHUA.search(norm.folded):
        virtual.append("__qchua")  # "… về chưa" or "… về chưa, mà …": has it happened yet?
    future = "period" in slots and slots["period"] > period_of(today)
    if future:
        virtual.append("__future")
    if "beneficiary_code" in slots:
        virtual.append("__code")
    if "phone" in slots:
        virtual.append("__phone")
        if len(PHONE.findall(norm.folded)) > 1:
            virtual.append("__phones")  # "0905123456 -> 0779123456": a new number
    found = matched_phrases(_LEXICON, wanted, virtual)
    scores = score(_LEXICON, found)
    elsewhere = "__other" in found and "__ours" not in found
    topics = OUT_OF_SCOPE.intersection(found)
    anchored = "__ours" in found or "period" in slots and topics != {"__aid"} \
        or "__money" in found and not topics & {"__aid", "__papers"}  # "tách thửa mất bao nhiêu tiền"
    if topics & TOPICS.keys() and not anchored:  # "thủ tục kết hôn": procedure words count for ours only
        scores = {intent: value * TOPIC_DAMPING for intent, value in scores.items()}
    if elsewhere or (topics and not anchored):
        scores["unknown"] = scores.get("unknown", 0.0) + OTHER_PROGRAMME  # another office's money or business
    asked = _after_opener(wanted)
    if not asked and asked_at:
        asked = _NORMALIZER.normalize(norm.lower[asked_at:]).tokens
    asked_found = matched_phrases(_LEXICON, asked, virtual) if asked else set()
    if asked:  # "Kính gửi cán bộ, tôi là con ông Thành … xin hỏi tiền tháng 10 đã chi chưa"
        for intent, value in score(_LEXICON, asked_found).items():
            scores[intent] = scores.get(intent, 0.0) + ASKED_BONUS * value
    if seen is not None:
        seen.extend((found, asked_found))
    if future and scores.get("payment_status"):
        scores["payment_status"] -= 1.0
    return scores, elsewhere


def _learned(tokens: tuple[str, ...]) -> model.Reading | None:
    """The model's reading, for messages of two words or more besides months and numbers: it reads
    every number as "#", a lone word without its diacritics ("Đúng" and "Dừng" are one to it), and a
    bare "còn tháng trước?" is a follow-up the conversation answers from the question before."""
    if _MODEL is None or sum(token not in _NOT_CONTENT for token in tokens) < 2:
        return None
    return _MODEL.read(tokens)


def model_tokens(norm: Normalized) -> tuple[str, ...]:
    """What the model reads: the words, less what is refused ("không cần xem lịch sử, chỉ cần …");
    bench/nlu_train.py trains on the same."""
    return _model_words(_without_refused(norm))


def _model_words(wanted: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(token for token in wanted if token != "_")


def _without_refused(norm: Normalized) -> tuple[str, ...]:
    """"Không cần lịch sử, chỉ cần biết …", "đừng dừng tin nhắn, chỉ là đổi số": what is refused
    before "chỉ / only / just" is blanked out, so that only what is wanted counts."""
    tokens = norm.tokens
    for i in range(len(tokens) - 1):
        pair = tokens[i:i + 2]
        if pair in REFUSALS or (tokens[i] == "dung" and "đừng" in norm.lower):
            end = next((j for j in range(i + 1, len(tokens)) if tokens[j] in WANTED
                        or tokens[j] == "chi" and tokens[j + 1:j + 2] in WANTED_AFTER_CHI), None)
            if end is None and pair in REFUSALS:  # "đừng nhắn nữa, …" is itself the wish
                end = _clause_end(norm, i)
                if end is not None and tokens[end - 1] == "nua":
                    end = None  # "không cần báo lịch nữa, …": no more of it, a wish to stop
            if end is not None:
                return tokens[:i] + ("_",) * (end - i) + tokens[end:]
    return tokens


def _clause_end(norm: Normalized, at: int) -> int | None:
    """Where the typed clause holding token `at` ends ("ko can huong dan, huy nhan tin giup": the
    refusal stops at the comma), or None when nothing follows it."""
    count = 0
    for clause in CLAUSE_BREAK.split(norm.lower):
        count += len(_NORMALIZER.normalize(clause).tokens)
        if count > at:
            return count if count < len(norm.tokens) else None
    return None


def _after_opener(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The words after the last "xin hỏi" / "cho em hỏi" / "muốn hỏi": in a long message that is
    the question; what comes before (who is writing, for whom, from where) only sets the scene."""
    for i in range(len(tokens) - 2, 0, -1):
        if tokens[i] == "hoi" and tokens[i - 1] in OPENERS and tokens[i + 1] not in PAST:
            return tokens[i + 1:] if i >= 3 else ()
    return ()


def _opener_end(folded: str) -> int:
    """Where the last "xin hỏi" / "cho em hỏi" ends, or 0 when there is none."""
    openers = list(_OPENER.finditer(folded))
    return openers[-1].end() if openers else 0


def _period(norm: Normalized, today: date, opened: int) -> tuple[str | None, bool, int | None]:
    """The month asked about (core.nlu.periods.asked_month); a month named after the last
    "xin hỏi" (ending at `opened`) is the question's ("cháu tròn 4 tuổi vào tháng 12, xin hỏi từ
    tháng 1 …")."""
    return asked_month(norm.lower, norm.folded, today, opened)


def _without_trailing_code(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """"… chưa, mã 4603317": a code typed after the question does not end it."""
    if tokens[-1:] == ("#",):
        tokens = tokens[:-1]
        if tokens[-1:] in (("ma",), ("so",)):
            tokens = tokens[:-1]
    return tokens


def explain(text: str, today: date) -> Explanation:
    """Why a message reads as it does: its tokens, the per-intent scores, each matched rule with its
    file and line, and the learned model's reading and whether it decided
    (`print(explain("tiền về chưa", date.today()))`)."""
    norm = _NORMALIZER.normalize(text)
    slots = extract_slots(norm.folded, today)
    period, _only_a_day, asked_at = _period(norm, today, _opener_end(norm.folded))
    if period:
        slots["period"] = period
    seen: list = []
    scores, _elsewhere = _scores(norm, slots, today, _without_refused(norm), seen, asked_at)
    found, asked_found = seen
    trace: dict = {}
    result = _parse(text, today, trace)
    return Explanation(norm.tokens, scores, matched_rules(_LEXICON, found),
                       matched_rules(_LEXICON, asked_found, ASKED_BONUS), _model_part(result, trace))


def _model_part(result: Parse, trace: dict) -> str:
    reading = trace.get("reading")
    if reading is None:
        return "model: not asked (a keyword, only numbers, or no model)"
    rules_intent, rules_confidence = trace["rules"]
    if trace["by_model"]:
        return (f"model: {reading.intent} {reading.probability:.2f}, decided "
                f"(the rules read {rules_intent} {rules_confidence:.2f})")
    verdict = "agrees" if reading.intent == rules_intent else "outweighed by the rules"
    return f"model: {reading.intent} {reading.probability:.2f}, {verdict} (the rules decided {result.intent})"
