"""Erasure, asked by an officer: a contact person (guardian, a phone user) is deleted; a
beneficiary who left the programme is anonymised while the payments stay for accounting.

A contact person: the person, every identity, contact link, one-time code and dialog state go;
messages still waiting to them are cancelled; message bodies and addresses sent to them are
blanked (kind, channel, status and dates stay, as the record that something was sent); audit
rows keep their action but name them "sms:person:<id>" instead of their number; complaints
they filed keep number, category and status without text or reply address.

A beneficiary: name, birth date, gender, address, national-ID and account hashes are cleared,
the code is replaced by a pseudonym (XOA-…, a keyed hash of the code, so an accountant holding
the code can still find the payments), the record is inactive; their own phone and any guardian
with no other beneficiary are erased as above; payments (amount, period, status) are kept.
The code's keyed hash is remembered in `erasures`, so re-importing an old list skips it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, event, func, or_, select, update
from sqlalchemy.orm import Session

from core.privacy.audit import record_disclosure
from core.imports.hashing import hash_identifier
from core.models import (
    AuditLog,
    Beneficiary,
    Complaint,
    ComplaintEvent,
    Contact,
    Erasure,
    Identity,
    OtpChallenge,
    OutboxMessage,
    Person,
    ReceiptCheck,
)
from core.storage.state import StateStore

logger = logging.getLogger(__name__)

ERASED_TEXT = "[erased: personal data removed]"
ERASED_ADDRESS = "[erased]"
PENDING = ("queued", "sending")
ACTOR_CHANNELS = ("sms", "ussd", "cli", "telegram", "zalo")
KIND_CHANNELS = {"phone": ("sms", "ussd", "cli"), "telegram": ("telegram",), "zalo": ("zalo",)}


@dataclass
class ErasureResult:
    persons: int = 0
    identities: int = 0
    contacts: int = 0
    messages_cancelled: int = 0
    messages_blanked: int = 0
    complaints_blanked: int = 0

    def as_detail(self) -> dict:
        return dict(self.__dict__)


def pseudonym(code: str) -> str:
    """The erased beneficiary's new code: 'XOA-' and 26 hex digits of the keyed hash of the code."""
    return "XOA-" + hash_identifier(code)[:26].upper()


def erase_person(session: Session, person: Person, actor: str, channel: str, now: datetime,
                 state: StateStore | None = None, result: ErasureResult | None = None) -> ErasureResult:
    """Delete a contact person and everything that names them (see the module docstring)."""
    result = result or ErasureResult()
    identities = list(session.scalars(select(Identity).where(Identity.person_id == person.id)))
    addresses = [i.address for i in identities]
    phones = [i.address for i in identities if i.kind == "phone"]
    linked = list(session.scalars(select(Contact.beneficiary_id).where(Contact.person_id == person.id)))
    for phone in phones or [f"person:{person.id}"]:
        session.add(Erasure(kind="person", subject_hash=hash_identifier(phone), actor=actor[:80], at=now))
    to_them = or_(OutboxMessage.person_id == person.id, OutboxMessage.address.in_(addresses))
    _blank_messages(session, to_them, result)
    session.execute(update(OutboxMessage).where(OutboxMessage.person_id == person.id).values(person_id=None)
                    .execution_options(synchronize_session=False))
    filed = or_(Complaint.person_id == person.id, Complaint.reply_to.in_(addresses))
    _blank_complaints(session, filed, actor, now, result)
    session.execute(update(Complaint).where(Complaint.person_id == person.id).values(person_id=None)
                    .execution_options(synchronize_session=False))
    _pseudonymise_actors(session, identities, person.id)
    session.execute(delete(OtpChallenge).where(or_(OtpChallenge.identity_address.in_(addresses),
                                                   OtpChallenge.sent_to.in_(phones)))
                    .execution_options(synchronize_session=False))
    session.execute(
        delete(ReceiptCheck)
        .where(ReceiptCheck.person_id == person.id)
        .execution_options(synchronize_session=False)
    )
    result.contacts += session.execute(delete(Contact).where(Contact.person_id == person.id)
                                       .execution_options(synchronize_session=False)).rowcount or 0
    result.identities += session.execute(delete(Identity).where(Identity.person_id == person.id)
                                         .execution_options(synchronize_session=False)).rowcount or 0
    person_id = person.id
    session.execute(delete(Person).where(Person.id == person_id).execution_options(synchronize_session=False))
    session.expunge(person)
    result.persons += 1
    if state is not None:
        _forget_after_commit(session, state, [f"{prefix}:{i.kind}:{i.address}" for i in identities
                                              for prefix in ("dialog", "lang")])
    for beneficiary_id in linked or [None]:
        record_disclosure(session, actor, "privacy.erase_person", beneficiary_id, channel,
                          {"person_id": person_id, "identities": len(identities)}, at=now)
    logger.info("person %s erased by %s", person_id, actor)
    return result


def erase_beneficiary(session: Session, beneficiary: Beneficiary, actor: str, channel: str, now: datetime,
                      state: StateStore | None = None) -> ErasureResult:
    """Anonymise a beneficiary who left the programme; payments stay (see the module docstring)."""
    result = ErasureResult()
    session.add(Erasure(kind="beneficiary", subject_hash=hash_identifier(beneficiary.code),
                        unit_code=beneficiary.unit_code, actor=actor[:80], at=now))
    people = list(session.scalars(select(Person).join(Contact, Contact.person_id == Person.id)
                                  .where(Contact.beneficiary_id == beneficiary.id)))
    result.contacts += session.execute(delete(Contact).where(Contact.beneficiary_id == beneficiary.id)
                                       .execution_options(synchronize_session=False)).rowcount or 0
    for person in people:
        others = (
            session.scalar(select(func.count()).select_from(Contact).where(Contact.person_id == person.id))
            or 0
        )
        if others == 0:
            erase_person(session, person, actor, channel, now, state, result)
    _blank_messages(session, OutboxMessage.beneficiary_id == beneficiary.id, result)
    _blank_complaints(session, Complaint.beneficiary_id == beneficiary.id, actor, now, result)
    session.execute(delete(OtpChallenge).where(OtpChallenge.beneficiary_id == beneficiary.id)
                    .execution_options(synchronize_session=False))
    beneficiary.code = pseudonym(beneficiary.code)
    beneficiary.full_name, beneficiary.name_ascii = "", ""
    beneficiary.birth_date = beneficiary.birth_year = beneficiary.gender = beneficiary.address = None
    beneficiary.national_id_hash = beneficiary.account_hash = beneficiary.account_last4 = (
        beneficiary.row_hash
    ) = None
    beneficiary.active, beneficiary.erased_at = False, now
    record_disclosure(session, actor, "privacy.erase_beneficiary", beneficiary.id, channel,
                      result.as_detail(), at=now)
    session.flush()
    logger.info("beneficiary %s anonymised by %s", beneficiary.id, actor)
    return result


def _forget_after_commit(session: Session, state: StateStore, keys: list[str]) -> None:
    """Conversation state goes once the erasure is committed (the database store writes in its
    own transaction, which would wait on ours)."""
    @event.listens_for(session, "after_commit", once=True)
    def forget(_session) -> None:
        for key in keys:
            state.delete(key)


def _blank_messages(session: Session, which, result: ErasureResult) -> None:
    result.messages_cancelled += session.execute(
        update(OutboxMessage).where(which, OutboxMessage.status.in_(PENDING))
        .values(status="cancelled", claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)).rowcount or 0
    result.messages_blanked += session.execute(
        update(OutboxMessage).where(which, OutboxMessage.address != ERASED_ADDRESS)
        .values(text=ERASED_TEXT, buttons=None, address=ERASED_ADDRESS, last_error=None,
                template_data=None)
        .execution_options(synchronize_session=False)).rowcount or 0


def _blank_complaints(session: Session, which, actor: str, now: datetime, result: ErasureResult) -> None:
    ids = list(session.scalars(select(Complaint.id).where(which, Complaint.text != ERASED_TEXT)))
    if not ids:
        return
    session.execute(update(Complaint).where(Complaint.id.in_(ids)).values(text=ERASED_TEXT, reply_to=None)
                    .execution_options(synchronize_session=False))
    session.execute(update(ComplaintEvent).where(ComplaintEvent.complaint_id.in_(ids)).values(note=None)
                    .execution_options(synchronize_session=False))
    session.add_all(ComplaintEvent(complaint_id=i, at=now, actor=actor[:60], action="erased") for i in ids)
    result.complaints_blanked += len(ids)


def _pseudonymise_actors(session: Session, identities: list[Identity], person_id: int) -> None:
    """Audit rows keep who was told what, naming the erased person by id, not by number."""
    for identity in identities:
        for channel in KIND_CHANNELS.get(identity.kind, ()):
            session.execute(update(AuditLog).where(AuditLog.actor == f"{channel}:{identity.address}"[:80])
                            .values(actor=f"{channel}:person:{person_id}")
                            .execution_options(synchronize_session=False))
