"""Who decides the intent, the rules or the learned model (core.nlu.model), and when to ask.

The rules are precise on what was written into them and unsure elsewhere; the model generalises.
The model's reading wins when it is more probable than half and than the rules' confidence,
except a thanks or hello over a request the rules found, and it is not asked about messages that
are only numbers (it sees every number as "#": a phone, a code and a month look alike to it).
The thresholds were chosen on the blind dev batch of 2026-12-07 with a model that had not seen it,
both against the rules as they were before that batch was read and as tuned on it (BENCHMARKS.md,
"the learned model shipped"); the holdout batch played no part.

Asking (core.nlu.unsure) changes with the second opinion: a reading the model took over is asked
about when the model is not sure of it; the rules' unsure reading is answered when the model agrees
firmly; a sure-looking rules reading is asked about when the model firmly reads something else."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from core.nlu.model import Reading
from core.nlu.unsure import COMPANIONS, MAX_CHOICES, NEVER_ASKED

logger = logging.getLogger(__name__)

MAJORITY = 0.5  # the model takes over only above this probability, and above the rules' confidence
ASK_BELOW = 0.8  # a reading the model took over, at less than this, is asked about
AGREES = 0.7  # the model's agreement at this probability answers what the rules would have asked
OBJECTS = 0.5  # the model reading something else at this probability makes a rules reading asked about
ALSO_LIKELY = 0.15  # other intents the model gives this much are offered too
NOT_OFFERED = NEVER_ASKED | {"unknown"}


@dataclass(frozen=True)
class Decision:
    intent: str
    confidence: float
    choices: tuple[str, ...]
    by_model: bool


def combine(intent: str, confidence: float, choices: tuple[str, ...], reading: Reading | None,
            coin_toss: bool = False) -> Decision:
    """The final intent, confidence and choices from the rules' and the model's readings.
    `coin_toss`: the rules' choice is between two strong readings (core.nlu.unsure.coin_toss),
    which the model's agreement with one does not settle."""
    if reading is None:
        return Decision(intent, confidence, choices, False)
    learned, probability = reading.intent, reading.probability
    takes_over = learned != intent and probability > MAJORITY and probability > confidence
    if learned in COMPANIONS and intent != "unknown":
        takes_over = False  # a thanks or hello around a request: the rules' decide() already weighed it
    if takes_over:
        asked = () if probability >= ASK_BELOW or learned in NEVER_ASKED \
            else _offered((learned, intent), reading)
        return Decision(learned, round(probability, 3), asked, True)
    if choices:
        if learned == intent and probability >= AGREES and not coin_toss:
            return Decision(intent, confidence, (), False)
        return Decision(intent, confidence, choices, False)
    if learned != intent and probability >= OBJECTS and intent not in NEVER_ASKED:
        return Decision(intent, confidence, _offered((intent, learned), reading), False)
    return Decision(intent, confidence, (), False)


def _offered(first: tuple[str, ...], reading: Reading) -> tuple[str, ...]:
    """The two readings, then what else the model finds likely; never unknown, greeting or thanks."""
    likely = sorted(((p, i) for i, p in reading.probabilities.items() if p >= ALSO_LIKELY), reverse=True)
    offered: list[str] = []
    for intent in (*first, *(i for _p, i in likely)):
        if intent not in NOT_OFFERED and intent not in offered:
            offered.append(intent)
    return tuple(offered[:MAX_CHOICES])
