"""Reference data an import checks rows against, loaded once per import (never per row)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.imports.columns import ParseContext
from core.models import Category, StandardLevel, Unit
from core.imports.providers import ProviderNames


def load_context(session: Session, today: date) -> ParseContext:
    units = frozenset(session.scalars(select(Unit.code)))
    categories = {code: (programme, Decimal(coefficient))
                  for code, programme, coefficient in session.execute(
                      select(Category.code, Category.programme_code, Category.coefficient))}
    return ParseContext(today=today, units=units, categories=categories,
                        providers=ProviderNames.load(session))


class StandardLevels:
    """Mức chuẩn in force on `today` for a programme in a unit: the unit's own level, else its
    province's, else the national one (a province may set a higher level)."""

    def __init__(self, session: Session, today: date):
        self._parents = dict(session.execute(select(Unit.code, Unit.parent_code)).all())
        self._levels: dict[tuple[str, str | None], tuple[date, int]] = {}
        rows = session.execute(select(StandardLevel.programme_code, StandardLevel.unit_code,
                                      StandardLevel.effective_from, StandardLevel.amount)
                               .where(StandardLevel.effective_from <= today))
        for programme, unit, start, amount in rows:
            current = self._levels.get((programme, unit))
            if current is None or start > current[0]:
                self._levels[(programme, unit)] = (start, amount)
        self._cache: dict[tuple[str, str], int | None] = {}

    def amount(self, programme: str, unit_code: str) -> int | None:
        key = (programme, unit_code)
        if key not in self._cache:
            found = None
            for code in (unit_code, self._parents.get(unit_code), None):
                if (programme, code) in self._levels:
                    found = self._levels[(programme, code)][1]
                    break
            self._cache[key] = found
        return self._cache[key]
