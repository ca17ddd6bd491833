"""Messages given up on: the outbox rows of one's units that the dispatcher stopped retrying
(core.outbox.dead_letters), with a button to send one again. Viewing and each retry are audited."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from console.web import audit, bp, db, forbidden, login_required, not_found_page, scope_codes, tr
from core.outbox import dead_letters
from core.i18n import N_
from core.models import OutboxMessage

_OUTCOMES = {
    dead_letters.REQUEUED: ("ok", N_("The message is queued to be sent again.")),
    dead_letters.NOT_DEAD: ("error", N_("This message is no longer given up; nothing was changed.")),
    dead_letters.ONE_TIME_CODE: ("error",
                                 N_("One-time codes are not sent again: they have expired. The person can "
                                    "ask for a new code.")),
}


@bp.get("/dead-letters")
@login_required
def dead_letter_list():
    with db() as s:
        codes = scope_codes(s)
        rows = dead_letters.list_dead(s, codes)
        total = dead_letters.count_dead(s, codes)
        audit(s, "outbox.dead_list", count=len(rows))
    return render_template("console/dead_letters.html", rows=rows, total=total)


@bp.post("/dead-letters/<int:message_id>/retry")
@login_required
def dead_letter_retry(message_id: int):
    t = tr()
    with db() as s:
        message = s.get(OutboxMessage, message_id, with_for_update=True)
        if message is None:
            return not_found_page(t._("There is no such message."))
        if not dead_letters.in_scope(s, message, scope_codes(s)):
            return forbidden()
        outcome = dead_letters.requeue(s, message)
        if outcome == dead_letters.REQUEUED:
            audit(s, "outbox.requeue", message.beneficiary_id, message=message.id, channel=message.channel,
                  kind=message.kind)
    category, msgid = _OUTCOMES[outcome]
    flash(t._(msgid), category)
    return redirect(url_for("console.dead_letter_list"))
