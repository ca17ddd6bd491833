"""Routes for the questions about someone's money: status, schedule, amount, history, method.
Verified askers get answers about their beneficiaries (all of them briefly, or the one named);
everyone else gets general information and how to register."""
from __future__ import annotations

import logging

from core import answers
from core.abuse import make_guard, refusal_text
from core.answers.amount import brief_amount
from core.answers.context import addressed, capitalised
from core.answers.schedule import brief_schedule
from core.conversation.choose import given_name
from core.conversation.turn import Turn
from core.conversation.inbound_reply import Choice, Reply
from core.models import Beneficiary

logger = logging.getLogger(__name__)

MAX_BRIEF_LINES = 5
# The keyword a chat button sends back to ask the same question about one person.
_BUTTON_KEYWORD = {"payment_status": "TC", "payment_schedule": "LICH", "payment_history": "LS",
                   "payment_amount": "TC"}


def _stranger(turn: Turn, intent: str) -> list[Reply]:
    refusal = _too_many_questions(turn)
    if refusal is not None:
        return turn.reply(refusal)
    if intent == "payment_amount":
        return turn.reply(answers.how_amounts_work(turn.ctx))
    if turn.asker.verified and not turn.asker.beneficiaries:
        return turn.reply(turn.ctx.compose([turn.t._("This number is not linked to any beneficiary yet."),
                                            answers.guidance.register_hint(turn.ctx)]))
    return turn.reply(answers.stranger_personal(turn.ctx))


def _too_many_questions(turn: Turn) -> str | None:
    """Someone not (yet) on file who keeps asking about payments, codes or birth years is slowed,
    then refused for a while (core.abuse `unverified_personal`): each answer costs an SMS and
    may be an enumeration. The answer never depended on the guess, so nothing leaks either way."""
    verdict = make_guard(turn.ctx.settings, session=turn.session).hit("unverified_personal",
                                                                      f"{turn.kind}:{turn.address}")
    if verdict.allowed:
        return None
    logger.warning("personal questions limited for a %s sender", turn.kind)
    return refusal_text(turn.t, [verdict], turn.ctx.settings.hotline)


def _follow_ups(turn: Turn) -> list[Choice]:
    t = turn.t
    return [Choice(t._("Cash days"), "LICH"), Choice(t._("Past payments"), "LS"),
            Choice(t._("Call the officer"), "CANBO")]


def _pick_one(turn: Turn, people: list[Beneficiary], intent: str) -> list[Reply]:
    """Ask a guardian of several whom they mean (history is too long to give for all)."""
    t = turn.t
    keyword = _BUTTON_KEYWORD.get(intent, "TC")
    example = f"{keyword} {given_name(people[0])}"
    text = t._("Whom do you mean? Text the keyword and the name, for example: %(example)s.", example=example)
    if turn.ctx.is_chat:
        text = t._("Whom do you mean?")
    choices = [Choice(capitalised(addressed(turn.ctx, b)), f"{keyword} {b.full_name}") for b in people]
    return turn.reply(text, choices)


def _brief(turn: Turn, people: list[Beneficiary], lines: list[str], header: str, intent: str) -> list[Reply]:
    t = turn.t
    shown = lines[:MAX_BRIEF_LINES]
    if len(lines) > len(shown):
        shown.append(t._("… and %(count)s more.", count=len(lines) - len(shown)))
    body = "\n".join([header] + shown) if header else "\n".join(shown)
    keyword = _BUTTON_KEYWORD.get(intent, "TC")
    if turn.ctx.is_chat:
        choices = [Choice(capitalised(addressed(turn.ctx, b)),
                          f"{keyword} {b.full_name}") for b in people[:MAX_BRIEF_LINES]]
        return turn.reply(body, choices)
    hint = t._("For details, text the keyword and the name, for example: %(example)s.",
               example=f"{keyword} {given_name(people[0])}")
    return turn.reply(turn.ctx.compose([body], [hint], sep="\n"))


def personal(turn: Turn, intent: str) -> list[Reply]:
    people, not_theirs = turn.targets()
    if not_theirs:
        return turn.reply(answers.guidance.not_yours(turn.ctx))
    if not people:
        if intent == "payment_method":  # how to withdraw is the same for everyone
            return turn.reply(answers.payment_method(turn.ctx, None, turn.text))
        return _stranger(turn, intent)
    ctx, t, period = turn.ctx, turn.t, turn.slots.get("period")
    turn.remember(intent=intent)
    if len(people) == 1:
        person = people[0]
        if intent == "payment_status":
            return turn.reply(answers.payment_status(ctx, person, period), _follow_ups(turn))
        if intent == "payment_schedule":
            return turn.reply(answers.payment_schedule(ctx, person, period))
        if intent == "payment_amount":
            return turn.reply(answers.payment_amount(ctx, person))
        if intent == "payment_history":
            return history(turn, person, 0)
        return turn.reply(answers.payment_method(ctx, person, turn.text))
    if intent == "payment_status":
        header = t._("The allowance for %(period)s:", period=t.period(period)) if period else ""
        return _brief(turn, people, [answers.brief_status(ctx, b, period) for b in people], header, intent)
    if intent == "payment_schedule":
        return _brief(turn, people, [brief_schedule(ctx, b, period) for b in people], "", intent)
    if intent == "payment_amount":
        return _brief(turn, people, [brief_amount(ctx, b) for b in people], "", intent)
    if intent == "payment_history":
        return _pick_one(turn, people, intent)
    return turn.reply(answers.payment_method(ctx, None, turn.text))


def history(turn: Turn, person: Beneficiary, page: int) -> list[Reply]:
    text, has_more = answers.payment_history(turn.ctx, person, page)
    if has_more:
        turn.remember(history={"beneficiary_id": person.id, "page": page + 1})
        if turn.ctx.is_chat:
            return turn.reply(text, [Choice(turn.t._("More"), "TIEP")])
        return turn.reply(turn.ctx.compose([text], [turn.t._("Text TIEP for more.")], sep="\n"))
    turn.memory.pop("history", None)
    return turn.reply(text)


def more_history(turn: Turn) -> list[Reply] | None:
    """'TIEP': the next page of the history asked last, if any."""
    pending = turn.memory.get("history")
    if not pending:
        return None
    person = next((b for b, _role in turn.asker.beneficiaries if b.id == pending.get("beneficiary_id")), None)
    if person is None or not turn.asker.verified:
        return None
    return history(turn, person, int(pending.get("page", 0)))
