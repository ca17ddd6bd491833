"""The officer's side of a complaint: assign it, answer the person, resolve it.

Each step writes a ComplaintEvent (the ticket's history) and an AuditLog row (officer actions are
accounted for). Answers go through the outbox as kind "reply": the person asked, so the answer
reaches them even if they opted out of notifications. They go to the identity that filed the
complaint (a USSD complaint is answered by SMS), else to the person's usual channel.
"""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.privacy.audit import record_disclosure
from core.clock import Clock
from core.i18n import N_, translator
from core.models import (
    Complaint,
    ComplaintEvent,
    Identity,
    Officer,
    OutboxMessage,
    Person,
    utcnow,
)
from core.notify.channels import choose
from core.notify.errors import ActionRefused
from core.notify.recipients import CHANNEL_KIND, reach_person
from core.outbox.writes import enqueue
from core.conversation.render import render_for_channel
from core.settings import Settings

logger = logging.getLogger(__name__)


def _now(clock: Clock | None):
    return clock.now() if clock is not None else utcnow()


def _event(session: Session, complaint: Complaint, actor: str, action: str, note: str | None,
           clock: Clock | None,
           **audit) -> ComplaintEvent:
    now = _now(clock)
    event = ComplaintEvent(complaint=complaint, at=now, actor=actor[:60], action=action, note=note)
    session.add(event)
    complaint.updated_at = now
    record_disclosure(session, actor, f"complaint.{action}", complaint.beneficiary_id, None,
                      {"complaint": complaint.number, **audit})
    session.flush()
    return event


def _open(complaint: Complaint) -> None:
    if complaint.status == "resolved":
        raise ActionRefused(N_("Complaint %(number)s is already resolved."),
                            number=complaint.number or complaint.id)


def assign(session: Session, complaint: Complaint, officer_username: str, actor: str, *,
           clock: Clock | None = None) -> ComplaintEvent:
    """Give the ticket to an officer of its unit (or a province officer); it is then in progress."""
    _open(complaint)
    officer = session.scalar(select(Officer).where(Officer.username == officer_username,
                                                   Officer.active.is_(True)))
    if officer is None:
        raise ActionRefused(N_("There is no officer %(username)s."), username=officer_username)
    if officer.role != "province" and complaint.unit_code and officer.unit_code != complaint.unit_code:
        raise ActionRefused(N_("Officer %(username)s does not work for this commune."),
                            username=officer_username)
    complaint.officer = officer.username
    complaint.status = "in_progress"
    return _event(session, complaint, actor, "assigned", officer.username, clock, officer=officer.username)


def reply(session: Session, complaint: Complaint, text: str, actor: str, *, settings: Settings | None = None,
          clock: Clock | None = None) -> OutboxMessage | None:
    """Send the officer's answer to the person; None when they cannot be reached (recorded anyway)."""
    _open(complaint)
    text = " ".join((text or "").split())
    if not text:
        raise ActionRefused(N_("Please write the answer."))
    if complaint.status == "new":
        complaint.status = "in_progress"
    event = _event(session, complaint, actor, "replied", text, clock)
    t = translator(_language(session, complaint))
    message = t._("Answer to your complaint %(number)s: %(text)s", number=complaint.number, text=text)
    return _tell(session, complaint, message, f"complaint:{complaint.id}:reply:{event.id}", settings,
                 answer=text)


def resolve(session: Session, complaint: Complaint, actor: str, note: str | None, *,
            settings: Settings | None = None,
            clock: Clock | None = None) -> OutboxMessage | None:
    """Close the ticket and tell the person, with the officer's note when there is one."""
    _open(complaint)
    note = " ".join((note or "").split()) or None
    complaint.status = "resolved"
    event = _event(session, complaint, actor, "resolved", note, clock)
    t = translator(_language(session, complaint))
    if note:
        message = t._("Your complaint %(number)s has been resolved: %(note)s", number=complaint.number,
                      note=note)
    else:
        message = t._("Your complaint %(number)s has been resolved. Thank you.", number=complaint.number)
    return _tell(session, complaint, message, f"complaint:{complaint.id}:resolved:{event.id}", settings)


def _language(session: Session, complaint: Complaint) -> str:
    person = session.get(Person, complaint.person_id) if complaint.person_id else None
    return person.language if person is not None else "vi"


def _reply_address(session: Session, complaint: Complaint) -> tuple[str, str] | None:
    """The identity that filed the complaint (USSD answered by SMS), else the person's usual one."""
    if complaint.reply_to and complaint.channel in ("sms", "ussd", "telegram", "zalo"):
        channel = "sms" if complaint.channel == "ussd" else complaint.channel
        blocked = session.scalar(select(Identity.opted_out).where(
            Identity.kind == CHANNEL_KIND[channel], Identity.address == complaint.reply_to))
        if not blocked:
            return channel, complaint.reply_to
    if complaint.person_id:
        return reach_person(session, complaint.person_id, ignore_opt_out=True)
    return None


def _tell(session: Session, complaint: Complaint, text: str, key: str, settings: Settings | None,
          answer: str | None = None) -> OutboxMessage | None:
    """Queue `text` to the person; a ZNS template shows `answer` (the officer's words) or `text`."""
    target = _reply_address(session, complaint)
    if target is None:
        logger.warning("complaint %s: nobody to tell", complaint.number)
        return None
    channel, address = target
    settings = settings or Settings.from_env()
    fields = {"complaint_number": complaint.number, "answer": answer or text, "hotline": settings.hotline}
    route, template_data = choose(settings, channel, address, "complaint_answered", fields)
    row = enqueue(session, channel=route, address=address, text=render_for_channel(text, channel, settings),
                  kind="reply", key=key, person_id=complaint.person_id,
                  beneficiary_id=complaint.beneficiary_id,
                  ref=f"complaint:{complaint.id}")
    if row is not None:
        row.topic, row.template_data = "complaint_answered", template_data
    return row
