"""Who is writing: the identity behind a phone number or chat id, whether it is verified, and
which beneficiaries that person may ask about.

A phone number on the officers' list is verified for SMS and USSD (the carrier vouches for the
caller); a Telegram or Zalo identity only once it has been linked (contact share or one-time code).
Only verified identities reach beneficiaries, and only through contacts that were not removed.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from core.models import Beneficiary, Contact, Identity, Payment, Person
from core.phones import normalize_phone
from core.storage.prepared import Prepared
from core.storage.turn_connection import connection_of

logger = logging.getLogger(__name__)

PHONE_CHANNELS = ("sms", "ussd", "cli")
CHAT_CHANNELS = ("telegram", "zalo")
_ROLE_ORDER = {"self": 0, "guardian": 1, "authorised": 2}


@dataclass(frozen=True, slots=True)
class BeneficiaryView:
    """The columns answers read, copied from the one row that resolves a sender: a webhook turn
    builds no ORM objects (loading them cost more than the rest of the turn's reads together).
    Code that changes a beneficiary loads the mapped Beneficiary by id."""

    id: int
    code: str
    full_name: str
    birth_date: date | None
    birth_year: int | None
    gender: str | None
    unit_code: str
    programme_code: str
    coefficient: Decimal | None
    monthly_amount: int | None
    method: str
    provider: str | None
    account_last4: str | None
    has_account: bool
    active: bool
    # (period, its payment or None), read with the beneficiary when resolve() was given a period:
    # "has this month's money come?" is the commonest question, and this saves its round trip.
    payment_of: tuple[str, PaymentView | None] | None = None


@dataclass(frozen=True, slots=True)
class PaymentView:
    """The columns of one payment that answers read (core.answers.payments)."""

    id: int
    period: str
    amount: int
    status: str
    method: str | None
    provider: str | None
    paid_on: date | None
    note: str | None


_VIEW_COLUMNS = [f.name for f in fields(BeneficiaryView) if f.name != "payment_of"]
PAYMENT_COLUMNS = [f.name for f in fields(PaymentView)]


@dataclass
class Asker:
    """Who writes. `identity` and `person` are the mapped rows, loaded on first use (only the
    paths that change them, such as STOP or a language switch, need them)."""

    session: Session
    identity_id: int | None
    person_id: int | None
    verified: bool
    language: str | None = None
    beneficiaries: list[tuple[BeneficiaryView, str]] = field(default_factory=list)  # (beneficiary, role)

    @property
    def identity(self) -> Identity | None:
        return self.session.get(Identity, self.identity_id) if self.identity_id is not None else None

    @property
    def person(self) -> Person | None:
        return self.session.get(Person, self.person_id) if self.person_id is not None else None

    @property
    def knows_anyone(self) -> bool:
        return self.verified and bool(self.beneficiaries)

    def role_for(self, beneficiary_id: int) -> str | None:
        return next((role for b, role in self.beneficiaries if b.id == beneficiary_id), None)


# "+84" and nine digits: what normalize_phone gives, or (not a Vietnamese pattern) the sender as it
# came; either way itself. The webhooks' senders are already in this form (a turn asks twice).
_E164_NINE = re.compile(r"\+84[0-9]{9}")


def identity_key(channel: str, sender: str) -> tuple[str, str]:
    """(Identity.kind, Identity.address) for a sender: phones in E.164, chat ids as they come."""
    if channel in CHAT_CHANNELS:
        return channel, str(sender).strip()
    if isinstance(sender, str) and _E164_NINE.fullmatch(sender):
        return "phone", sender
    return "phone", normalize_phone(sender) or str(sender).strip()


# Built once (on the hot path building a statement costs more than running it): the identity, its
# person and that person's current contacts' beneficiaries in one round trip, as plain rows; with a
# period, each beneficiary's payment of that period too.
_I, _P, _C, _B, _PAY = (
    Identity.__table__,
    Person.__table__,
    Contact.__table__,
    Beneficiary.__table__,
    Payment.__table__,
)
_HEAD = (_I.c.id.label("identity_id"), _I.c.verified, _P.c.id.label("person_id"), _P.c.language, _C.c.role)
_PEOPLE = (_I.join(_P, _P.c.id == _I.c.person_id)
           .outerjoin(_C, and_(_C.c.person_id == _P.c.id, _C.c.removed_at.is_(None)))
           .outerjoin(_B, _B.c.id == _C.c.beneficiary_id))
_SENDER = and_(_I.c.kind == bindparam("kind"), _I.c.address == bindparam("address"))
_ASKER = select(*_HEAD, *[_B.c[name] for name in _VIEW_COLUMNS]).select_from(_PEOPLE).where(_SENDER)
_ASKER_AND_PAYMENTS = (
    select(*_HEAD, *[_B.c[name] for name in _VIEW_COLUMNS],
           *[_PAY.c[name].label(f"payment_{name}") for name in PAYMENT_COLUMNS])
    .select_from(_PEOPLE.outerjoin(_PAY,
                                   and_(_PAY.c.beneficiary_id == _B.c.id,
                                        _PAY.c.period == bindparam("period"))))
    .where(_SENDER))
_ASKER, _ASKER_AND_PAYMENTS = Prepared(_ASKER), Prepared(_ASKER_AND_PAYMENTS)
_VIEW_END = len(_HEAD) + len(_VIEW_COLUMNS)


def resolve(session: Session, channel: str, sender: str, period: str | None = None) -> Asker:
    """Who writes; with `period` (YYYY-MM), each beneficiary's payment of that period is read in
    the same round trip (BeneficiaryView.payment_of)."""
    kind, address = identity_key(channel, sender)
    connection = connection_of(session)
    rows = (_ASKER_AND_PAYMENTS.rows(connection, {"kind": kind, "address": address, "period": period})
            if period else _ASKER.rows(connection, {"kind": kind, "address": address}))
    if not rows:
        return Asker(session, identity_id=None, person_id=None, verified=False)
    first = rows[0]
    if not first.verified:
        return Asker(session, first.identity_id, first.person_id, verified=False, language=first.language)
    beneficiaries = sorted(((_view(row, period), row.role) for row in rows if row.id is not None),
                           key=lambda pair: (_ROLE_ORDER.get(pair[1], 9), pair[0].id))
    return Asker(session, first.identity_id, first.person_id, verified=True, language=first.language,
                 beneficiaries=beneficiaries)


def _view(row, period: str | None) -> BeneficiaryView:
    if period is None:
        return BeneficiaryView(*row[len(_HEAD):_VIEW_END])
    payment = PaymentView(*row[_VIEW_END:]) if row[_VIEW_END] is not None else None
    return BeneficiaryView(*row[len(_HEAD):_VIEW_END], payment_of=(period, payment))
