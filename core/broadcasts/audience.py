"""Who a broadcast reaches: the beneficiaries matching its filters, then the people who hear for
them (the beneficiary and every verified guardian or authorised person with consent), each once,
on one channel, never anyone who opted out. Set-based: a province is 60,000 beneficiaries.

Filters (a JSON dict stored on the broadcast):
  units       list of unit codes, or None for every unit of `scope` (a province code; None = all)
  categories  category codes: a beneficiary holding any of them matches
  method      cash / account / ewallet (how the beneficiary is paid)
  status      payment status in `period` (e.g. everyone whose payment failed)
  period      YYYY-MM: the period of `status` and of the {ky} {so_tien} {ngay_chi_tra} fields
  channel     sms / zalo / telegram: only reach people on that channel
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from operator import itemgetter
from typing import NamedTuple

from sqlalchemy import Integer, and_, bindparam, exists, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from core.answers.cash_days import CashDays, cash_days_of_units
from core.i18n import Translator
from core.models import (
    Beneficiary,
    BeneficiaryCategory,
    Contact,
    Identity,
    Payment,
    Person,
    Unit,
)

logger = logging.getLogger(__name__)
CHANNEL_KIND = {"sms": "phone", "zalo": "zalo", "telegram": "telegram"}
KIND_CHANNEL = {kind: channel for channel, kind in CHANNEL_KIND.items()}
LOOKUP_CHUNK = 5000  # ids per IN (…): inside SQLite's 32,766 and PostgreSQL's 65,535 parameters


class Recipient(NamedTuple):
    person_id: int
    beneficiary_id: int
    channel: str
    address: str
    role: str


def beneficiary_ids(filters: dict):
    """A SELECT of the ids of active beneficiaries matching the filters (used as a subquery)."""
    query = select(Beneficiary.id).where(Beneficiary.active.is_(True))
    units = filters.get("units")
    if units:
        query = query.where(Beneficiary.unit_code.in_(list(units)))
    elif filters.get("scope"):
        query = query.where(
            Beneficiary.unit_code.in_(select(Unit.code).where(Unit.parent_code == filters["scope"]))
        )
    if filters.get("categories"):
        query = query.where(exists().where(
            BeneficiaryCategory.beneficiary_id == Beneficiary.id,
            BeneficiaryCategory.category_code.in_(list(filters["categories"]))))
    if filters.get("method"):
        query = query.where(Beneficiary.method == filters["method"])
    if filters.get("status") and filters.get("period"):
        query = query.where(exists().where(
            Payment.beneficiary_id == Beneficiary.id, Payment.period == filters["period"],
            Payment.status == filters["status"]))
    return query


def count_beneficiaries(session: Session, filters: dict) -> int:
    return session.scalar(select(func.count()).select_from(beneficiary_ids(filters).subquery())) or 0


def _links(session: Session, ids) -> list[tuple]:
    """(contact, beneficiary, person, role, preferred channel, identity kind, address) for every live
    contact allowed to hear, once per verified identity of its person that did not opt out (kind
    and address None when there is none); self links first, oldest identity first. One query, so
    the audience is walked once, not once for the links and again for the addresses."""
    heard = and_(Identity.person_id == Contact.person_id, Identity.verified.is_(True),
                 Identity.opted_out.is_(False))
    query = (
        select(Contact.id, Contact.beneficiary_id, Contact.person_id, Contact.role, Person.preferred_channel,
               Identity.kind, Identity.address)
        .join(Person, Person.id == Contact.person_id)
        .outerjoin(Identity, heard)
        .where(Contact.beneficiary_id.in_(ids), Contact.removed_at.is_(None), Person.opted_out.is_(False))
        .where((Contact.role == "self") | (Contact.consent.is_(True)))
        .order_by(Contact.role != "self", Contact.beneficiary_id, Contact.person_id, Contact.id, Identity.id)
    )
    return session.connection().execute(query).all()  # Core rows: 80,000 of them skip the ORM's row handling


def pick_channel(addresses: dict[str, str], preferred: str | None, only: str | None) -> str | None:
    """The channel to reach a person on: the broadcast's, else their preferred one, else SMS,
    else any chat they verified."""
    if only:
        return only if only in addresses else None
    for channel in (preferred, "sms", "zalo", "telegram"):
        if channel in addresses:
            return channel
    return None


def find_recipients(session: Session, filters: dict) -> tuple[int, list[Recipient]]:
    """(number of matching beneficiaries, one recipient per person)."""
    links = _links(session, beneficiary_ids(filters))
    addresses: dict[int, dict[str, str]] = {}  # person id -> {channel: address}, oldest identity first
    for _, _, person_id, _, _, kind, address in links:
        channel = KIND_CHANNEL.get(kind)
        found = addresses.setdefault(person_id, {})
        if channel and channel not in found:
            found[channel] = address
    chosen: dict[int, Recipient] = {}
    previous = None
    for contact_id, beneficiary_id, person_id, role, preferred, _, _ in links:
        if contact_id == previous or person_id in chosen:
            continue
        previous = contact_id
        person_addresses = addresses[person_id]
        channel = pick_channel(person_addresses, preferred, filters.get("channel"))
        if channel is not None:
            chosen[person_id] = Recipient(person_id, beneficiary_id, channel, person_addresses[channel], role)
    total = count_beneficiaries(session, filters)
    return total, sorted(chosen.values(), key=itemgetter(0))  # by person id


def template_values(session: Session, beneficiary_ids_: Iterable[int], period: str, t: Translator,
                    today: date) -> dict[int, dict[str, str]]:
    """{ho_ten, so_tien, ky, ngay_chi_tra, dia_diem} for each beneficiary, from the period's payment
    and the unit's cash days as of `today` (core.answers.cash_days): every day still to come, or, when all
    are over, those days marked as over, never a past day as a coming one."""
    wanted = list(dict.fromkeys(beneficiary_ids_))
    values: dict[int, dict[str, str]] = {}
    if not wanted:
        return values
    people: dict[int, tuple] = {}
    payments: dict[int, tuple] = {}
    for ids in _id_lists(session, wanted):
        for row in session.execute(select(Beneficiary.id, Beneficiary.full_name, Beneficiary.unit_code,
                                          Beneficiary.monthly_amount,
                                          Beneficiary.method).where(ids(Beneficiary.id))):
            people[row[0]] = row
        for row in session.execute(select(Payment.beneficiary_id, Payment.amount, Payment.paid_on)
                                   .where(Payment.period == period, ids(Payment.beneficiary_id))):
            payments[row[0]] = row
    units = sorted({row[2] for row in people.values()})
    # A province has a handful of amounts, dates and schedules: format each once (Babel is slow).
    money, dates, period_text = _Memo(t.money), _Memo(t.date), t.period(period)
    at_unit = {code: _days_and_places(days, dates, t)
               for code, days in cash_days_of_units(session, units, today, period).items() if days.known}
    for beneficiary_id, (_, name, unit_code, monthly, method) in people.items():
        payment = payments.get(beneficiary_id)
        amount = payment[1] if payment else monthly
        day, place = "", ""
        if unit_code in at_unit and (method == "cash" or payment is None or payment[2] is None):
            day, place = at_unit[unit_code]
        elif payment is not None and payment[2] is not None:
            day = dates(payment[2])
        values[beneficiary_id] = {"ho_ten": name, "so_tien": money(amount) if amount else "",
                                  "ky": period_text,
                                  "ngay_chi_tra": day, "dia_diem": place}
    return values


def _days_and_places(days: CashDays, dates, t: Translator) -> tuple[str, str]:
    """('02/12/2026 - 03/12/2026; 04/12/2026', 'A (7h30-11h00); B') for the coming slots; when none is
    left, the past ones with '(đã chi xong)' after the days."""
    slots = days.coming or days.past
    shown = "; ".join(dates(s.start) if s.end == s.start else f"{dates(s.start)} - {dates(s.end)}"
                      for s in slots)
    places = "; ".join(s.place + (f" ({s.hours})" if s.hours else "") for s in slots)
    if not days.coming:
        shown = t._("%(days)s (already over)", days=shown)
    return shown, places


class _Memo(dict):
    """A formatter remembered per argument."""

    def __init__(self, format_):
        super().__init__()
        self.format = format_

    def __missing__(self, key):
        value = self[key] = self.format(key)
        return value

    def __call__(self, key):
        return self[key]


def _id_lists(session: Session, ids: list[int]):
    """Conditions "column is one of ids": on PostgreSQL one array parameter (= ANY), three times
    faster than 40,000 IN parameters; elsewhere IN lists of LOOKUP_CHUNK ids."""
    if session.get_bind().dialect.name == "postgresql":
        array = bindparam("ids", ids, type_=ARRAY(Integer))
        yield lambda column: column == func.any(array)
        return
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start:start + LOOKUP_CHUNK]
        yield lambda column, chunk=chunk: column.in_(chunk)
