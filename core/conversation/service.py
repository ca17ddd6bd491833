"""Routes that are not about one payment: registering, complaints and reported changes, whom to
call, stopping and resuming messages, language, greetings, help and what was not understood."""
from __future__ import annotations

import logging

from core import answers
from core.complaints import tickets as complaints
from core.conversation import registration
from core.answers.context import addressed
from core.conversation.turn import Turn
from core.conversation.inbound_reply import Choice, Reply
from core.vietnamese_text import fold

logger = logging.getLogger(__name__)


def register(turn: Turn) -> list[Reply]:
    code, dob = turn.slots.get("beneficiary_code"), turn.slots.get("dob")
    person = turn.asker.person
    if not code and person is not None and person.opted_out:
        return resume(turn)
    if not code and turn.asker.knows_anyone:
        names = ", ".join(addressed(turn.ctx, b) for b, _role in turn.asker.beneficiaries[:3])
        return turn.reply(turn.t._("This number is registered for: %(names)s. To add someone, text DK "
                                   "<beneficiary code> <date of birth>.",
                                   names=names))
    return turn.reply(registration.start(turn.ctx, turn.state, turn.asker, turn.kind, turn.address, code,
                                         dob))


def complaint(turn: Turn, intent: str) -> list[Reply]:
    people, _ = turn.targets()
    beneficiary = people[0] if len(people) == 1 else None
    ticket = complaints.file_complaint(turn.ctx, text=turn.text, intent=intent, beneficiary=beneficiary,
                                       person=turn.asker.person, reply_to=turn.address,
                                       period=turn.slots.get("period"))
    if beneficiary is None and people:
        ticket.unit_code = people[0].unit_code
    return turn.reply(complaints.acknowledge(turn.ctx, ticket))


def contact_officer(turn: Turn) -> list[Reply]:
    people, _ = turn.targets()
    units: list[str] = []
    for person in people:
        if person.unit_code not in units:
            units.append(person.unit_code)
    if not units:
        return turn.reply(answers.contact_officer(turn.ctx, None))
    return turn.reply("\n".join(answers.contact_officer(turn.ctx, None, code) for code in units[:2]))


def stop(turn: Turn) -> list[Reply]:
    t, person = turn.t, turn.asker.person
    if person is None:
        return turn.reply(t._("This number receives no messages from AnSinh."))
    person.opted_out, person.opted_out_at = True, turn.ctx.clock.now()
    logger.info("person %s opted out via %s", person.id, turn.inbound.channel)
    return turn.reply(turn.ctx.compose([t._("AnSinh will send you no more notices. You can still ask "
                                            "questions at any time."),
                                        t._("To receive notices again, text BAT.")]))


def resume(turn: Turn) -> list[Reply]:
    t, person = turn.t, turn.asker.person
    if person is None:
        return turn.reply(answers.stranger_personal(turn.ctx))
    person.opted_out, person.opted_out_at = False, None
    return turn.reply(t._("You will receive notices about the allowance again. To stop, text HUY."))


def change_language(turn: Turn) -> list[Reply]:
    wanted = (turn.slots.get("language") or "").lower()[:2]
    if wanted not in ("vi", "en"):
        folded = fold(turn.text)
        wanted = (
            "vi"
            if ("vi" in folded.split() or "viet" in folded)
            else "en"
            if turn.t.language == "vi"
            else "vi"
        )
    turn.set_language(wanted)
    t = turn.t
    if wanted == "en":
        return turn.reply(t._("AnSinh will reply in English from now on. Text VI for Vietnamese."))
    return turn.reply(t._("AnSinh will reply in Vietnamese from now on. Text EN for English."))


def menu_choices(turn: Turn) -> list[Choice]:
    t = turn.t
    if not turn.asker.knows_anyone:
        return [Choice(t._("How to register"), "DK"), Choice(t._("Who qualifies"), "ai được hưởng trợ cấp"),
                Choice(t._("Call the officer"), "CANBO")]
    return [Choice(t._("This month's payment"), "TC"), Choice(t._("Cash days"), "LICH"),
            Choice(t._("Past payments"), "LS"), Choice(t._("How to withdraw"), "cách rút tiền"),
            Choice(t._("Call the officer"), "CANBO")]


def elsewhere(turn: Turn) -> list[Reply]:
    """A question about another office's money (a pension, health insurance): say whose it is."""
    return turn.reply(answers.elsewhere(turn.ctx, turn.asker.knows_anyone), menu_choices(turn))


def small_talk(turn: Turn, intent: str) -> list[Reply]:
    ctx, verified = turn.ctx, turn.asker.knows_anyone
    if intent == "greeting":
        return turn.reply(
            answers.greeting(
                ctx, answers.guidance.greeting_name(ctx, turn.asker.beneficiaries) if verified else None
            ),
            menu_choices(turn),
        )
    if intent == "thanks":
        return turn.reply(answers.thanks(ctx))
    if intent == "help":
        return turn.reply(answers.help_text(ctx, verified), menu_choices(turn))
    if intent == "eligibility":
        return turn.reply(answers.eligibility(ctx, turn.text))
    return turn.reply(answers.unknown(ctx, verified), menu_choices(turn))
