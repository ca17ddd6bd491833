"""When to ask instead of answering: the best reading is weak, or the next one is close to it.

A wrong answer about someone's money costs more than one more message, so an unsure reading is
turned into a short choice of its likely meanings (at most three), which core.conversation.dialog shows as a
numbered SMS or chat buttons. Greetings, thanks and SMS keywords are never asked about."""
from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

MAX_CHOICES = 3
WEAK = 2.0  # a best score below this is a guess (the threshold to answer at all is 1.5)
CLOSE = 0.8  # a runner-up with this share of the best score makes the reading a coin toss
ALSO_SHOWN = 0.5  # a runner-up with this share of the best is offered as a choice too
NEAR_MISS = 1.0  # an in-scope reading this strong under an "unknown" is worth offering
NEVER_ASKED = frozenset(("greeting", "thanks", "change_language"))
# Readings that may come along with a question without being the question ("chào o, … về chưa").
COMPANIONS = frozenset(("greeting", "thanks"))
PAYMENT = frozenset(("payment_status", "payment_schedule", "payment_amount", "payment_history",
                     "payment_method"))


def choices_for(scores: dict[str, float], intent: str, elsewhere: bool, identified: bool = False) \
        -> tuple[str, ...]:
    """The meanings to offer, best first, or () when the reading is sure enough to answer.
    `identified`: a beneficiary code was given, which in a question about money says whose money
    it is ("tiền của BT4600004 sinh năm 1937 về chưa"), not that someone wants to register."""
    if intent in NEVER_ASKED or elsewhere:
        return ()
    left_out = COMPANIONS | {"unknown"} | ({"register"} if identified and intent in PAYMENT else set())
    ranked = sorted(((s, i) for i, s in scores.items() if s > 0 and i not in left_out), reverse=True)
    unknown = scores.get("unknown", 0.0)
    if intent == "unknown":  # nothing reached the threshold, or an out-of-scope cue won narrowly
        offered = [(s, i) for s, i in ranked if s >= NEAR_MISS and unknown < s / CLOSE]
        return tuple(i for _s, i in offered[:MAX_CHOICES])
    top = scores.get(intent, 0.0)
    others = [(s, i) for s, i in ranked if i != intent]
    close = bool(others) and others[0][0] >= CLOSE * top
    if top >= WEAK and not close and unknown < CLOSE * top:
        return ()
    offered = [intent] + [i for s, i in others if s >= ALSO_SHOWN * top]
    return tuple(offered[:MAX_CHOICES])
