"""Deterministic generation of the demo province from a seed: the same seed and scale always give
the same people, payments and cash days, with the ratios the province reported (DOMAIN.md).

Each provider's caseload is cut into exact quotas of "paid through an account" (in the report
month), "account opened, not paid through it" (mostly paid in cash; some paid electronically whose
report-month payment failed or was held) and "no account", so the figures hold to the person at
full size and to the rounding at any `scale`. Months are counted from `today` (ansinh.demo.calendar).
"""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import date

from ansinh.demo import names
from ansinh.demo.calendar import DemoMonths, demo_months
from ansinh.demo.identities import IDENTITY_PEOPLE, STRANGER_PHONE, identity_outcomes, identity_schedules
from ansinh.demo.payments import outcomes, payment_row, unit_schedule
from ansinh.demo.people import DemoPerson, PersonFactory
from ansinh.demo.units import SOURCE_FIGURES, DemoUnit, FormerUnit, plan_former_units, plan_units, share_out

logger = logging.getLogger(__name__)

SAMPLE_DAY = date(2026, 11, 26)  # the day the committed officers' sample files were generated for
CODE_PREFIX = "BT46"
FIRST_GENERATED_CODE = 11  # BT4600001…BT4600010 are kept for the documented identities
Slot = tuple[bool, bool, bool]  # (has an account, paid electronically, paid through it in the report month)
PAID_THROUGH, ACCOUNT_CASH, NO_ACCOUNT = (True, True, True), (True, False, False), (False, False, False)
UNPAID_ELECTRONIC = (True, True, False)  # paid into the account in other months, not in the report month
UNPAID_SHARE = 0.02  # of those paid through an account, about this many more are on electronic payment


@dataclass
class DemoData:
    seed: int
    scale: float
    months: DemoMonths
    units: list[DemoUnit]
    people: list[DemoPerson]
    former_units: list[FormerUnit] = field(default_factory=list)
    beneficiaries: list[dict[str, str]] = field(default_factory=list)
    payments: list[dict[str, str]] = field(default_factory=list)
    schedules: list[dict[str, str]] = field(default_factory=list)

    def unit_officers(self) -> list[dict]:
        return [unit.officer_info() for unit in self.units]


def scaled_figures(provider: str, scale: float) -> tuple[int, int, int]:
    total, accounts, paid = SOURCE_FIGURES[provider]
    return round(total * scale), round(accounts * scale), round(paid * scale)


def _slot_of(person: DemoPerson) -> Slot:
    return person.has_account, person.electronic, person.electronic and person.paid_in_report


def _provider_slots(rng: random.Random, provider: str, scale: float, units: list[DemoUnit],
                    identities: list[DemoPerson]) -> dict[str, list[Slot]]:
    """Which slots each of one provider's units gets; identities take theirs first."""
    total, accounts, paid = scaled_figures(provider, scale)
    unpaid = round(paid * UNPAID_SHARE)
    counts = {PAID_THROUGH: paid, UNPAID_ELECTRONIC: unpaid, ACCOUNT_CASH: accounts - paid - unpaid,
              NO_ACCOUNT: total - accounts}
    sizes = share_out(total, [u.weight for u in units], minimum=3)
    for unit, size in zip(units, sizes):
        unit.size = size
    by_unit: dict[str, list[Slot]] = {u.code: [] for u in units}
    for person in identities:
        slot = _slot_of(person)
        counts[slot] -= 1
        by_unit[person.unit_code].append(slot)
    for unit in units:
        if not unit.pays_electronically:
            for _ in range(unit.size - len(by_unit[unit.code])):
                slot = (
                    ACCOUNT_CASH
                    if rng.random() * (counts[ACCOUNT_CASH] + counts[NO_ACCOUNT]) < counts[ACCOUNT_CASH]
                    else NO_ACCOUNT
                )
                counts[slot] -= 1
                by_unit[unit.code].append(slot)
    if min(counts.values()) < 0:
        raise ValueError(f"scale {scale} is too small for {provider}'s demo identities")
    pool = [slot for slot, n in counts.items() for _ in range(n)]
    rng.shuffle(pool)
    for unit in units:
        if unit.pays_electronically:
            take = unit.size - len(by_unit[unit.code])
            by_unit[unit.code].extend(pool[:take])
            del pool[:take]
    for unit in units:  # every unit paying electronically pays someone through an account
        slots = by_unit[unit.code]
        if unit.pays_electronically and PAID_THROUGH not in slots:
            donor = next(u for u in units if by_unit[u.code].count(PAID_THROUGH) > 1)
            given = next(i for i in range(len(slots)) if slots[i] != PAID_THROUGH)
            taken = by_unit[donor.code].index(PAID_THROUGH)
            slots[given], by_unit[donor.code][taken] = PAID_THROUGH, slots[given]
    return by_unit


def generate(seed: int = 46, scale: float = 1.0, today: date | None = None) -> DemoData:
    """Huế's demo province, its months counted from `today` (default: the committed sample's day);
    `scale` < 1 gives a smaller province with the same ratios."""
    months = demo_months(today or SAMPLE_DAY)
    rng = random.Random(seed)
    phones = names.PhoneBook(rng, {STRANGER_PHONE})
    for person in IDENTITY_PEOPLE:
        for written in (person.phone, person.guardian_phone):
            if written:
                phones.reserve(names.national_form(written))
    units = plan_units(rng, phones)
    factory = PersonFactory(rng, phones, months.first_day)
    people = list(IDENTITY_PEOPLE)
    next_code = FIRST_GENERATED_CODE
    for provider in SOURCE_FIGURES:
        served = [u for u in units if u.provider == provider]
        own = [p for p in IDENTITY_PEOPLE if p.provider == provider]
        slots = _provider_slots(rng, provider, scale, served, own)
        for unit in served:
            fixed = sum(p.unit_code == unit.code for p in own)
            for has_account, electronic, paid in slots[unit.code][fixed:]:
                code = f"{CODE_PREFIX}{next_code:05d}"
                people.append(factory.make(code, unit, has_account, electronic, paid))
                next_code += 1
    data = DemoData(seed=seed, scale=scale, months=months, units=units, people=people,
                    former_units=plan_former_units(random.Random(f"{seed}:former"), units))
    data.beneficiaries = [p.row() for p in people]
    _add_schedules_and_payments(data)
    logger.info("demo province: %d beneficiaries, %d payments, %d cash days",
                len(data.beneficiaries), len(data.payments), len(data.schedules))
    return data


def _add_schedules_and_payments(data: DemoData) -> None:
    months = data.months
    fixed_days, fixed_outcomes = identity_schedules(months), identity_outcomes(months)
    srng = random.Random(f"{data.seed}:schedules")
    cash_days: dict[str, dict[str, list[dict[str, str]]]] = {}
    for unit in data.units:
        for period in months.with_cash_days:
            rows = fixed_days.get((unit.code, period)) or unit_schedule(srng, unit, period)
            cash_days.setdefault(unit.code, {})[period] = rows
            data.schedules.extend(rows)
    prng = random.Random(f"{data.seed}:payments")
    by_period: dict[str, list[dict[str, str]]] = {p: [] for p in months.all}
    for person in data.people:
        drawn = outcomes(prng, person, cash_days[person.unit_code], months)
        drawn.update(fixed_outcomes.get(person.code, {}))
        for period, outcome in drawn.items():
            by_period[period].append(payment_row(person, period, outcome))
    for rows in by_period.values():
        data.payments.extend(rows)


__all__ = ["DemoData", "generate", "scaled_figures"]
