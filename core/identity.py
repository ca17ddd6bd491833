"""Who is writing: the identity behind a phone number or chat id, whether it is verified, and
which beneficiaries that person may ask about.

A phone number on the officers' list is verified for SMS and USSD (the carrier vouches for the
caller); a Telegram or Zalo identity only once it has been linked (contact share or one-time code).
Only verified identities reach beneficiaries, and only through contacts that were not removed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session, contains_eager, lazyload

from core.models import Beneficiary, Contact, Identity, Person
from core.phones import normalize_phone

logger = logging.getLogger(__name__)

PHONE_CHANNELS = ("sms", "ussd", "cli")
CHAT_CHANNELS = ("telegram", "zalo")
_ROLE_ORDER = {"self": 0, "guardian": 1, "authorised": 2}


@dataclass
class Asker:
    identity: Identity | None
    person: Person | None
    verified: bool
    beneficiaries: list[tuple[Beneficiary, str]] = field(default_factory=list)  # (beneficiary, role)

    @property
    def knows_anyone(self) -> bool:
        return self.verified and bool(self.beneficiaries)

    def role_for(self, beneficiary_id: int) -> str | None:
        return next((role for b, role in self.beneficiaries if b.id == beneficiary_id), None)


def identity_key(channel: str, sender: str) -> tuple[str, str]:
    """(Identity.kind, Identity.address) for a sender: phones in E.164, chat ids as they come."""
    if channel in CHAT_CHANNELS:
        return channel, str(sender).strip()
    return "phone", normalize_phone(sender) or str(sender).strip()


# Built once (on the hot path building a statement costs more than running it): the identity, its
# person and that person's current contacts' beneficiaries in one round trip.
_ASKER = (select(Identity, Person, Beneficiary, Contact.role)
          .join(Person, Person.id == Identity.person_id)
          .outerjoin(Contact, and_(Contact.person_id == Person.id, Contact.removed_at.is_(None)))
          .outerjoin(Beneficiary, Beneficiary.id == Contact.beneficiary_id)
          .where(Identity.kind == bindparam("kind"), Identity.address == bindparam("address"))
          .options(contains_eager(Identity.person),  # identity.person set, as a joined load would
                   lazyload(Beneficiary.categories)))  # only the amount answer reads them, in its session


def resolve(session: Session, channel: str, sender: str) -> Asker:
    kind, address = identity_key(channel, sender)
    rows = session.execute(_ASKER, {"kind": kind, "address": address}).all()
    if not rows:
        return Asker(identity=None, person=None, verified=False)
    identity, person = rows[0][0], rows[0][1]
    if not identity.verified:
        return Asker(identity=identity, person=person, verified=False)
    beneficiaries = sorted(((b, role) for _i, _p, b, role in rows if b is not None),
                           key=lambda pair: (_ROLE_ORDER.get(pair[1], 9), pair[0].id))
    return Asker(identity=identity, person=person, verified=True, beneficiaries=beneficiaries)
