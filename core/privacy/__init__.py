"""Personal data under Law 91/2025/QH15: what AnSinh holds about one person (export), and how an
officer erases a contact person or anonymises a beneficiary who left the programme (erase).

Both start from what an officer types: a beneficiary code or a phone number (`find_subject`).

Also the disclosure log (`audit`). May import: imports, officers, outbox, storage, models and the
loose modules."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Beneficiary, Identity, Officer, Person, Unit
from core.officers.accounts import can_act_on
from core.phones import normalize_phone


@dataclass(frozen=True)
class Subject:
    """Whom an export or an erasure is about: a beneficiary, or a person reached at a phone."""

    beneficiary: Beneficiary | None = None
    person: Person | None = None
    phone: str | None = None  # E.164, when the officer typed a phone number


def find_subject(session: Session, query: str) -> Subject | None:
    """A beneficiary code first (codes are what officers type most), then a phone number."""
    text = (query or "").strip()[:40]
    if not text:
        return None
    beneficiary = session.scalar(
        select(Beneficiary).where(
            func.upper(Beneficiary.code) == text.replace(" ", "").upper(), Beneficiary.erased_at.is_(None)
        )
    )
    if beneficiary is not None:
        return Subject(beneficiary=beneficiary)
    phone = normalize_phone(text)
    if phone is None:
        return None
    person = session.scalar(select(Person).join(Identity, Identity.person_id == Person.id)
                            .where(Identity.kind == "phone", Identity.address == phone))
    return Subject(person=person, phone=phone)


def may_erase(officer: Officer, unit: Unit) -> bool:
    """Erasure cannot be undone: only a province administrator whose scope covers the unit
    (commune officers export and remove guardians, and ask the province to erase)."""
    return officer.role == "province" and can_act_on(officer, unit.code, unit.parent_code)
