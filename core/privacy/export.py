"""Everything AnSinh holds about one beneficiary or one contact person, as a JSON-ready dict
(Law 91/2025: a data subject may ask what is held about them; an officer answers with this).

Phone numbers and chat ids are masked to their last 4 characters (enough to tell which ones),
also where a text quotes them (core.privacy.masking); national ID and account numbers were never
stored in full, and the export says so. Message bodies appear only while still kept (retention
and erasure blank them)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.outbox.dispatch import REDACTED_OTP
from core.i18n import N_, translator
from core.imports.hashing import hash_identifier
from core.models import (
    AuditLog,
    Beneficiary,
    Category,
    Complaint,
    Contact,
    Erasure,
    Identity,
    OutboxMessage,
    Payment,
    Person,
    Programme,
    Unit,
)
from core.phones import mask_phone
from core.privacy.masking import mask_numbers_in_text
from core.privacy.erase import ACTOR_CHANNELS, ERASED_TEXT, KIND_CHANNELS

FORMAT = "ansinh.personal-data-export/1"
# The sentences in the export are read by the person it is about: Vietnamese, from the catalogs
# (the keys and codes stay as documented, for programs that read the file).
NOT_HELD = N_("AnSinh does not hold national ID (CCCD) or account numbers: only a keyed hash of each, "
              "used to match import rows, and the last 4 digits of the account.")
HASH_ONLY = N_("keyed hash only")
LAST4_AND_HASH = N_("last 4 digits and a keyed hash only")
LIMIT = 5000  # rows per section; more than anyone accumulates in years


def _t(msgid: str) -> str:
    return translator("vi")._(msgid)


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_beneficiary(session: Session, beneficiary: Beneficiary, by: str, now: datetime) -> dict:
    """The beneficiary record, unit, categories, payments, contacts with consent, complaints,
    messages and audit rows about them."""
    unit = session.get(Unit, beneficiary.unit_code)
    programme = session.get(Programme, beneficiary.programme_code)
    categories = session.execute(select(Category.code, Category.name)
                                 .where(Category.code.in_(beneficiary.category_codes))).all()
    rows = session.execute(select(Contact, Person).join(Person, Person.id == Contact.person_id)
                           .where(Contact.beneficiary_id == beneficiary.id).order_by(Contact.id)).all()
    return {
        "format": FORMAT,
        "generated_at": _when(now),
        "generated_by": by,
        "subject": "beneficiary",
        "not_held": _t(NOT_HELD),
        "beneficiary": {
            "code": beneficiary.code,
            "full_name": beneficiary.full_name,
            "birth_date": _when(beneficiary.birth_date),
            "birth_year": beneficiary.birth_year,
            "gender": beneficiary.gender,
            "address": beneficiary.address,
            "unit": {"code": unit.code, "name": unit.name} if unit else None,
            "programme": {"code": beneficiary.programme_code, "name": programme.name if programme else None},
            "categories": [{"code": code, "name": name} for code, name in categories],
            "coefficient": str(beneficiary.coefficient) if beneficiary.coefficient is not None else None,
            "monthly_amount": beneficiary.monthly_amount,
            "method": beneficiary.method,
            "provider": beneficiary.provider,
            "national_id": _t(HASH_ONLY) if beneficiary.national_id_hash else None,
            "account": (
                {"last4": beneficiary.account_last4, "held": _t(LAST4_AND_HASH)}
                if beneficiary.account_hash or beneficiary.account_last4
                else None
            ),
            "active": beneficiary.active,
            "erased_at": _when(beneficiary.erased_at),
            "created_at": _when(beneficiary.created_at),
            "updated_at": _when(beneficiary.updated_at),
        },
        "contacts": [_contact(session, contact, person) for contact, person in rows],
        "payments": [
            _payment(p)
            for p in session.scalars(
                select(Payment)
                .where(Payment.beneficiary_id == beneficiary.id)
                .order_by(Payment.period)
                .limit(LIMIT)
            )
        ],
        "complaints": _complaints(session, Complaint.beneficiary_id == beneficiary.id),
        "messages": _messages(session, OutboxMessage.beneficiary_id == beneficiary.id),
        "audit": _audit(session, AuditLog.beneficiary_id == beneficiary.id),
    }


def export_person(session: Session, person: Person | None, phone: str | None, by: str, now: datetime,
                  unit_codes: list[str] | None = None) -> dict:
    """A contact person with their identities and links. `unit_codes` limits the links shown to
    an officer's units (None: all); a number no one holds says whether it was erased."""
    out = {"format": FORMAT, "generated_at": _when(now), "generated_by": by, "subject": "person",
           "not_held": _t(NOT_HELD)}
    if person is None:
        erased = session.scalar(select(Erasure.at).where(Erasure.kind == "person",
                                                         Erasure.subject_hash == hash_identifier(phone or ""))
                                .order_by(Erasure.at.desc()).limit(1))
        return {**out, "person": None, "phone": mask_phone(phone), "erased_at": _when(erased)}
    identities = list(
        session.scalars(select(Identity).where(Identity.person_id == person.id).order_by(Identity.id))
    )
    links = session.execute(select(Contact, Beneficiary).join(Beneficiary,
                                                              Beneficiary.id == Contact.beneficiary_id)
                            .where(Contact.person_id == person.id).order_by(Contact.id)).all()
    shown = [(c, b) for c, b in links if unit_codes is None or b.unit_code in unit_codes]
    addresses = [i.address for i in identities]
    actors = [f"{ch}:{i.address}"[:80] for i in identities for ch in KIND_CHANNELS.get(i.kind, ())]
    actors += [f"{ch}:person:{person.id}" for ch in ACTOR_CHANNELS]
    return {
        **out,
        "person": _person(person, identities),
        "links": [{**_consent(c),
                   "beneficiary": {"code": b.code, "full_name": b.full_name, "unit_code": b.unit_code}}
                  for c, b in shown],
        "links_not_shown": len(links) - len(shown),
        "complaints": _complaints(session,
                                  or_(Complaint.person_id == person.id, Complaint.reply_to.in_(addresses))),
        "messages": _messages(session,
                              or_(OutboxMessage.person_id == person.id,
                                  OutboxMessage.address.in_(addresses))),
        "audit": _audit(session, AuditLog.actor.in_(actors)),
    }


def _person(person: Person, identities: list[Identity]) -> dict:
    return {
        "id": person.id, "name": person.name, "language": person.language,
        "preferred_channel": person.preferred_channel,
        "opted_out": person.opted_out, "opted_out_at": _when(person.opted_out_at),
        "created_at": _when(person.created_at),
        "identities": [{"kind": i.kind, "address": mask_phone(i.address), "verified": i.verified,
                        "verified_at": _when(i.verified_at), "verified_by": i.verified_by,
                        "opted_out": i.opted_out}
                       for i in identities],
    }


def _consent(contact: Contact) -> dict:
    return {
        "role": contact.role, "relation": contact.relation, "source": contact.source,
        "consent": contact.consent,
        "consent_at": _when(contact.consent_at), "consent_channel": contact.consent_channel,
        "consent_withdrawn_at": _when(contact.consent_withdrawn_at),
        "consent_withdrawn_channel": contact.consent_withdrawn_channel,
        "removed_at": _when(contact.removed_at), "created_at": _when(contact.created_at),
    }


def _contact(session: Session, contact: Contact, person: Person) -> dict:
    identities = list(
        session.scalars(select(Identity).where(Identity.person_id == person.id).order_by(Identity.id))
    )
    return {**_consent(contact), "person": _person(person, identities)}


def _payment(p: Payment) -> dict:
    return {"period": p.period, "amount": p.amount, "status": p.status, "method": p.method,
            "provider": p.provider,
            "paid_on": _when(p.paid_on), "transaction_id": p.transaction_id,
            "note": mask_numbers_in_text(p.note) or None,
            "status_changed_at": _when(p.status_changed_at)}


def _complaints(session: Session, which) -> list[dict]:
    out = []
    for c in session.scalars(select(Complaint).where(which).order_by(Complaint.id).limit(LIMIT)):
        kept = c.text != ERASED_TEXT
        out.append({"number": c.number, "category": c.category, "channel": c.channel, "status": c.status,
                    "period": c.period, "text": mask_numbers_in_text(c.text) if kept else None,
                    "text_kept": kept,
                    "created_at": _when(c.created_at), "updated_at": _when(c.updated_at),
                    "events": [{"at": _when(e.at), "action": e.action,
                                "note": mask_numbers_in_text(e.note) or None} for e in c.events]})
    return out


def _messages(session: Session, which) -> list[dict]:
    out = []
    for m in session.scalars(select(OutboxMessage).where(which).order_by(OutboxMessage.id).limit(LIMIT)):
        kept = m.text not in (ERASED_TEXT, REDACTED_OTP)
        out.append({"id": m.id, "kind": m.kind, "channel": m.channel,
                    "to": mask_phone(m.address) if kept else None,
                    "status": m.status, "created_at": _when(m.created_at), "sent_at": _when(m.sent_at),
                    "delivered_at": _when(m.delivered_at),
                    "text": mask_numbers_in_text(m.text) if kept else None,
                    "text_kept": kept})
    return out


def _actor(actor: str) -> str:
    """'sms:+84905318246' -> 'sms:…8246'; officers and 'sms:person:12' as they are."""
    channel, _, who = actor.partition(":")
    if channel in ACTOR_CHANNELS and who and not who.startswith("person:"):
        return f"{channel}:{mask_phone(who)}"
    return actor


def _audit(session: Session, which) -> list[dict]:
    return [{"at": _when(a.at), "actor": _actor(a.actor), "action": a.action, "channel": a.channel,
             "detail": a.detail}
            for a in session.scalars(select(AuditLog).where(which).order_by(AuditLog.id).limit(LIMIT))]
