"""Asking instead of guessing: when core.nlu is unsure (Parse.choices), offer the likely meanings
as a numbered list (SMS) or buttons (chat), plus "other: call the officer". The next message "1",
"2", "3" (typed or tapped) picks one, and the original question is answered as that meaning.
A message that reads as out of scope says what this service answers and whom to ask instead."""
from __future__ import annotations

import dataclasses
import logging

from core.conversation.service import menu_choices
from core.conversation.turn import Turn
from core.i18n import N_
from core.conversation.inbound_reply import Choice, Reply

logger = logging.getLogger(__name__)

OTHER = "contact_officer"
LABELS = {
    "payment_status": N_("Has the money come"),
    "payment_schedule": N_("When and where to get the money"),
    "payment_amount": N_("How much is paid, and why"),
    "payment_history": N_("Past payments"),
    "payment_method": N_("How to receive or withdraw the money"),
    "eligibility": N_("Who qualifies"),
    "register": N_("Register this number"),
    "report_change": N_("Report a change (a death, a move, a new number)"),
    "complaint": N_("Make a complaint"),
    "contact_officer": N_("Call the officer"),
    "stop": N_("Stop the notices"),
    "help": N_("How to use AnSinh"),
}
# Whom to ask about what this service does not answer (Parse.topic).
ELSEWHERE = {
    "papers": N_("For papers such as birth, marriage, residence or land, ask the one-stop desk of the "
                 "commune People's Committee."),
    "health": N_("For health care and health insurance cards, ask the commune health station or Social "
                 "Insurance (BHXH)."),
    "other_aid": N_("For other handouts and relief (rice, gifts at Tet, disaster relief), ask the commune "
                    "People's Committee."),
}


def offer(turn: Turn, intents: tuple[str, ...], topic: str | None = None) -> list[Reply]:
    """The numbered choice; remembers the question so that a number can answer it."""
    t = turn.t
    meanings = [i for i in intents if i in LABELS and i != OTHER][:3]
    turn.remember(ask={"intents": meanings, "text": turn.text, "slots": dict(turn.slots)})
    intro = [t._("AnSinh answers only about the monthly social allowance."), t._(ELSEWHERE[topic])] \
        if topic in ELSEWHERE else []
    labels = [t._(LABELS[i]) for i in meanings] + [t._("Other: call the officer")]
    if turn.ctx.is_chat:
        choices = [Choice(label, str(n)) for n, label in enumerate(labels, 1)]
        return turn.reply(" ".join(intro + [t._("Which do you mean?")]), choices)
    lines = [f"{n}. {label}" for n, label in enumerate(labels, 1)]
    ask = t._("Which do you mean? Reply with its number:")
    return turn.reply("\n".join([" ".join(intro + [ask])] + lines))


def picked(turn: Turn, pending: dict | None, folded: str) -> str | None:
    """The meaning a "1"/"2"/"3" (or the number of "other") picks from the pending choice, with the
    original message and its slots put back on the turn; None when the message is not a pick."""
    if not pending or not folded.isdigit():
        return None
    meanings = list(pending.get("intents") or [])
    number = int(folded)
    if not 1 <= number <= len(meanings) + 1:
        return None
    intent = meanings[number - 1] if number <= len(meanings) else OTHER
    turn.inbound = dataclasses.replace(turn.inbound, text=str(pending.get("text") or ""))
    turn.slots = dict(pending.get("slots") or {})
    logger.debug("choice %s picked %s", number, intent)
    return intent


def out_of_scope(turn: Turn, topic: str) -> list[Reply]:
    """Not this service's business, and clear about it: what it answers, and whom to ask."""
    t = turn.t
    return turn.reply(turn.ctx.compose([t._("AnSinh answers only about the monthly social allowance."),
                                        t._(ELSEWHERE.get(topic, ELSEWHERE["papers"]))]), menu_choices(turn))
