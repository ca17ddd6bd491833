"""Who decides the intent, the rules or the learned model (core.nlu.model), and when to ask.

The rules are precise on what was written into them and unsure elsewhere; the model generalises.
Read honestly (4-fold cross-validation over 9,218 messages written blind, each read by a model
trained without it; BENCHMARKS.md, 2026-12-08 third round), the model's reading was right more often
than the rules' wherever the two disagreed and the model gave its reading more than MAJORITY:
- over a thanks or hello the rules found (sarcasm: "cảm ơn, 3 tháng chưa thấy đồng nào") 46 to 20;
- a hello or thanks the model found over a request the rules read into it ("Chào anh chị, tôi là
  con gái bà Hoa") 20 to 0;
- below an even chance, over a more confident rules reading, 61 to 36.
So the model's reading decides above MAJORITY. The rules stand below it, for another office's money
they found named ("elsewhere": the model's n-grams only half see it), and where the model is not
asked at all (core.nlu._learned: keywords, a lone word, numbers only).

The confidence given is the model's probability for the reading given: in the cross-validation,
answered readings at 0.9 or more were right 99.3 % of the time, at 0.7–0.9 92.7 %, at 0.5–0.7
79.8 %, where the rules' confidence told little (92–98 % in every band). Asking follows the same
probability: answered at SURE_AGREED when the rules read the same, at SURE_DISPUTED when they read
something else, and an out-of-scope reading below SURE_UNKNOWN offers the in-scope meanings the
model finds likely. A change of language is never asked about; a hello or thanks is, when the model
gives it less than an even chance or read it where the rules found a request (offered first)."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from core.nlu.model import Reading
from core.nlu.unsure import COMPANIONS, MAX_CHOICES, NEVER_ASKED

logger = logging.getLogger(__name__)

MAJORITY = 0.3  # the model's reading decides above this probability
SURE_AGREED = 0.5  # a reading the rules share is answered at this probability or more
SURE_DISPUTED = 0.7  # a reading the rules dispute is answered at this probability or more
SURE_UNKNOWN = 0.4  # "out of scope" below this offers the likely in-scope meanings instead
ALSO_LIKELY = 0.15  # other intents the model gives this much are offered too
NOT_OFFERED = NEVER_ASKED | {"unknown"}


@dataclass(frozen=True)
class Decision:
    intent: str
    confidence: float
    choices: tuple[str, ...]
    by_model: bool


def combine(intent: str, confidence: float, choices: tuple[str, ...], reading: Reading | None,
            elsewhere: bool = False) -> Decision:
    """The final intent, confidence and choices from the rules' reading (`intent`, `confidence`,
    `choices`) and the model's. `elsewhere`: the rules found another office's money named without
    this allowance ("tiền người có công … về chưa"): out of scope stands."""
    if reading is None:
        return Decision(intent, confidence, choices, False)
    if elsewhere:
        return Decision(intent, confidence, (), False)
    by_model = reading.intent != intent and reading.probability > MAJORITY
    final = reading.intent if by_model else intent
    probabilities = reading.probabilities
    sure = probabilities.get(final, 0.0)
    told = round(sure, 3)  # calibrated: right 99 % of the time at 0.9 or more, 93 % at 0.7–0.9
    if final in COMPANIONS and (by_model and intent != "unknown" or sure < SURE_AGREED):
        # "cảm ơn ad, … ad tắt thông báo cho em nha": the request the rules found is offered, not
        # dropped; a thanks at less than an even chance ("tks ad nhìu, bà đợi tiền mốc meo luôn")
        # offers what else it may be
        first = (intent,) if by_model else ()
        return Decision(final, told, _offered(first, probabilities), by_model)
    if final in NEVER_ASKED or sure >= (SURE_AGREED if final == intent else SURE_DISPUTED):
        return Decision(final, told, (), by_model)
    if final == "unknown":
        offered = _offered((), probabilities) if sure < SURE_UNKNOWN else ()
        return Decision(final, told, offered, by_model)
    return Decision(final, told, _offered((final, intent), probabilities), by_model)


def _offered(first: tuple[str, ...], probabilities: dict[str, float]) -> tuple[str, ...]:
    """The two readings, then what else the model finds likely; never unknown, greeting or thanks."""
    likely = sorted(((p, i) for i, p in probabilities.items() if p >= ALSO_LIKELY), reverse=True)
    offered: list[str] = []
    for intent in (*first, *(i for _p, i in likely)):
        if intent not in NOT_OFFERED and intent not in offered:
            offered.append(intent)
    return tuple(offered[:MAX_CHOICES])
