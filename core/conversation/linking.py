"""Linking a chat account (Telegram, Zalo) to the person on file, and the chat's own opt-out.

A chat learns about a beneficiary only after it proves to be a contact on file. Telegram lets a
user share their own phone number: the app marks such a contact with the sharer's own user id,
so `contact.user_id == sender` proves the number is theirs. A number forwarded from someone
else's address book carries another id (or none) and is refused without saying whether that
number is on file. The chat identity is attached to the Person who owns the phone, so language,
contacts and history carry over from SMS ("one conversation, any channel").
(Linking by beneficiary code and a one-time code by SMS lives in the dialog's registration.)
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.privacy.audit import record_disclosure
from core.clock import Clock
from core.i18n import Translator
from core.models import Contact, Identity, Person
from core.phones import mask_phone, normalize_phone

logger = logging.getLogger(__name__)

LINKED, NOT_OWN_CONTACT, NOT_ON_FILE = "linked", "not_own_contact", "not_on_file"


@dataclass(frozen=True)
class LinkOutcome:
    status: str  # linked / not_own_contact / not_on_file
    person_id: int | None = None
    phone: str | None = None  # E.164, only when linked

    @property
    def linked(self) -> bool:
        return self.status == LINKED


def _phone_on_file(session: Session, phone: str) -> Identity | None:
    """The verified phone identity of a person who is a contact (self, guardian, authorised) of someone."""
    return session.scalar(
        select(Identity)
        .join(Contact, Contact.person_id == Identity.person_id)
        .where(Identity.kind == "phone", Identity.address == phone, Identity.verified.is_(True),
               Contact.removed_at.is_(None))
        .limit(1)
    )


def attach_chat_identity(session: Session, channel: str, address: str, person: Person, verified_by: str,
                         clock: Clock) -> Identity:
    """Make the chat `address` a verified identity of `person` (moving it from a placeholder person)."""
    identity = session.scalar(select(Identity).where(Identity.kind == channel, Identity.address == address))
    if identity is None:
        identity = Identity(kind=channel, address=address)
        session.add(identity)
    identity.person_id = person.id
    identity.person = person
    identity.verified = True
    identity.verified_at = clock.now()
    identity.verified_by = verified_by
    identity.opted_out = False  # they are talking to us right now
    # As core.conversation.registration does: the chat just linked is where they read.
    person.preferred_channel = channel
    session.flush()
    return identity


def link_by_shared_contact(session: Session, channel: str, sender_id: str, contact_user_id: str | int | None,
                           phone: str | None, clock: Clock) -> LinkOutcome:
    """Link the chat `sender_id` to the owner of `phone` when the contact is the sender's own."""
    if contact_user_id is None or str(contact_user_id).strip() != str(sender_id).strip():
        logger.info("%s %s shared a contact that is not their own", channel, sender_id)
        return LinkOutcome(NOT_OWN_CONTACT)
    e164 = normalize_phone(phone)
    on_file = _phone_on_file(session, e164) if e164 else None
    if on_file is None:
        return LinkOutcome(NOT_ON_FILE)
    person = on_file.person
    attach_chat_identity(session, channel, str(sender_id), person, "contact_share", clock)
    record_disclosure(session, actor=f"{channel}:{sender_id}", action="link.contact_share",
                      beneficiary_id=None,
                      channel=channel, detail={"phone": mask_phone(e164), "person_id": person.id},
                      at=clock.now())
    return LinkOutcome(LINKED, person_id=person.id, phone=e164)


def contact_share_reply(outcome: LinkOutcome, t: Translator, hotline: str) -> str:
    if outcome.linked:
        return t._("Thank you. This chat is now linked to the phone number %(phone)s. "
                   "Press a button below or write your question.", phone=mask_phone(outcome.phone))
    if outcome.status == NOT_OWN_CONTACT:
        return t._("Sorry, only your own phone number can be shared. Press the button \"Share my phone "
                   "number\" below, "
                   "or send: DK <beneficiary code> <year of birth>.")
    return t._("This phone number is not on the commune's list. Please send: DK <beneficiary code> <year of "
               "birth>, "
               "or call the hotline %(hotline)s.", hotline=hotline)


def set_chat_opt_out(session: Session, channel: str, address: str, opted_out: bool) -> bool:
    """Zalo unfollow (True) or follow again (False); True when an identity changed."""
    identity = session.scalar(select(Identity).where(Identity.kind == channel,
                                                     Identity.address == str(address)))
    if identity is None or identity.opted_out == opted_out:
        return False
    identity.opted_out = opted_out
    logger.info("%s identity %s opted_out=%s", channel, identity.id, opted_out)
    return True
