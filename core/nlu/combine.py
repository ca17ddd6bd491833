"""Who decides the intent, the rules or the learned model (core.nlu.model), and when to ask.

The rules are precise on what was written into them and unsure elsewhere; the model generalises.
On text nobody tuned either for (the blind batches of 2026-12-07 holdout and 2026-12-08 dev, 1,020
messages), the model alone was right more often than the rules trusting themselves (94.0 against
83.6 %), and more than any mix that let a confident rules reading stand (92.1 % shipped before,
93.9 % at best): so the model's reading decides at an even chance or better (below it, above
MAJORITY and the rules' confidence), except a thanks or hello over a request the rules found,
another office's money the rules found named ("elsewhere"), a keyword with a name, a lone word, a
bare follow-up month and a message of numbers only (core.nlu._learned), where the rules know what
the model cannot see.

Asking (core.nlu.unsure) changes with the second opinion: a reading the model took over is asked
about when the model is not sure of it; the rules' unsure reading is answered when the model agrees
firmly; a sure-looking rules reading is asked about when the model firmly reads something else."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from core.nlu.model import Reading
from core.nlu.unsure import COMPANIONS, MAX_CHOICES, NEVER_ASKED

logger = logging.getLogger(__name__)

MAJORITY = 0.3  # the model's reading never decides at or below this probability
ASK_BELOW = 0.7  # a reading the model took over, at less than this, is asked about
EVEN = 0.5  # at or above this it decides whatever the rules' confidence; below, only over a weaker one
AGREES = 0.7  # the model's agreement at this probability answers what the rules would have asked
OBJECTS = 0.3  # the model reading something else at this probability makes a rules reading asked about
ALSO_LIKELY = 0.15  # other intents the model gives this much are offered too
NOT_OFFERED = NEVER_ASKED | {"unknown"}


@dataclass(frozen=True)
class Decision:
    intent: str
    confidence: float
    choices: tuple[str, ...]
    by_model: bool


def combine(intent: str, confidence: float, choices: tuple[str, ...], reading: Reading | None,
            coin_toss: bool = False, elsewhere: bool = False) -> Decision:
    """The final intent, confidence and choices from the rules' and the model's readings.
    `coin_toss`: the rules' choice is between two strong readings (core.nlu.unsure.coin_toss),
    which the model's agreement with one does not settle. `elsewhere`: the rules found another
    office's money named without this allowance ("tiền người có công … về chưa"), a fact the
    model's n-grams only half see: out of scope stands."""
    if reading is None:
        return Decision(intent, confidence, choices, False)
    learned, probability = reading.intent, reading.probability
    # Below an even chance the model decides only over a weaker rules reading; over a thanks or
    # hello the rules found it needs to be sure ("xin chân thành cảm ơn … giờ bà nhận tiền": thanks).
    takes_over = learned != intent and probability > MAJORITY \
        and (probability >= EVEN or probability > confidence) \
        and (intent not in COMPANIONS or probability >= ASK_BELOW)
    if learned in COMPANIONS and intent != "unknown" or elsewhere:
        # a thanks or hello around a request (the rules' decide() already weighed it), or another
        # office's money the rules found named
        takes_over = False
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
