"""Score every intent by the weighted phrases a message contains, then pick one.

Phrases are matched on the normalised tokens as n-grams; each phrase counts once. A few cues are
structural rather than lexical: the message ends in "chưa" (has it come yet?), the month asked
about is still ahead (so it is about when, not whether), a beneficiary code was typed."""
from __future__ import annotations

import logging
import math
from collections.abc import Iterable

from core.nlu.lexicon import Lexicon

logger = logging.getLogger(__name__)

SOCIAL = ("greeting", "thanks", "help")
THRESHOLD = 1.5
QUESTIONS = ("payment_status", "payment_schedule", "payment_amount", "payment_history", "payment_method",
             "eligibility", "complaint", "stop")  # what a hello or a thanks may come with
# A real question scoring this much wins over the greeting or thanks around it.
YIELDS = {"greeting": 3.0, "thanks": 4.0}


def matched_phrases(lexicon: Lexicon, tokens: tuple[str, ...], virtual: Iterable[str]) -> set[str]:
    found = set(virtual)
    prefixes, phrases, pairs, tags = lexicon.prefixes, lexicon.phrases, lexicon.pairs, lexicon.tags
    count = len(tokens)
    for i, phrase in enumerate(tokens):
        j = i + 1
        while phrase in prefixes:
            if phrase in phrases or phrase in pairs:
                found.add(phrase)
            if phrase in tags:
                found.update(tags[phrase])
            if j == count:
                break
            phrase = phrase + " " + tokens[j]
            j += 1
    return found


def score(lexicon: Lexicon, found: set[str]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for phrase in found:
        for intent, weight in lexicon.phrases.get(phrase, ()):
            scores[intent] = scores.get(intent, 0.0) + weight
        for other, intent, weight in lexicon.pairs.get(phrase, ()):
            if other in found:
                scores[intent] = scores.get(intent, 0.0) + weight
    return scores


def decide(scores: dict[str, float], asking: bool = True) -> tuple[str, float]:
    """The best intent and a confidence in 0..1 from its score and its lead over the next.
    `asking`: the message has a question word or mark, so thanks may yield to the question in it."""
    ranked = sorted(((s, i) for i, s in scores.items() if s > 0), reverse=True)
    if not ranked or ranked[0][0] < THRESHOLD:
        best = ranked[0][0] if ranked else 0.0
        return "unknown", round(0.9 - 0.4 * min(best / THRESHOLD, 1.0), 3)
    top, intent = ranked[0]
    if intent in YIELDS:  # "chào o, … tiền tháng trước lãnh được chưa": the question, not the hello
        # "cảm ơn, tắt thông báo giúp", "cảm ơn nhiều, rút tiền bị trừ phí": a request or a grievance
        wanted = QUESTIONS if asking or intent == "greeting" else ("stop", "complaint")
        asked = [(s, i) for s, i in ranked if i in wanted and s >= YIELDS[intent]]
        if asked:
            top, intent = asked[0]
            ranked = [asked[0]] + [r for r in ranked if r != asked[0]]
    second = ranked[1][0] if len(ranked) > 1 else 0.0
    strength = 1.0 - math.exp(-top / 3.0)
    lead = (top - second) / top
    return intent, round(min(0.99, strength * (0.55 + 0.45 * lead)), 3)
