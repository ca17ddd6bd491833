"""An officer imports only for the units they act on: before a commune officer's file is
imported, rows that name another unit (or a beneficiary of another unit) are found, and the file
is refused with those rows listed, so nothing outside the officer's scope is ever written."""
from __future__ import annotations

import logging
import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.i18n import translator
from core.imports.columns import (
    BENEFICIARY_COLUMNS,
    PAYMENT_COLUMNS,
    SCHEDULE_COLUMNS,
    match_headers,
    parse_code,
)
from core.imports.problems import RowError
from core.imports.reader import read_table
from core.models import Beneficiary, Officer, Unit
from core.officers.accounts import can_act_on, covers_all

logger = logging.getLogger(__name__)
COLUMNS = {"beneficiaries": BENEFICIARY_COLUMNS, "payments": PAYMENT_COLUMNS, "schedules": SCHEDULE_COLUMNS}


def _unit_code(text: str) -> str:
    raw = text.strip()
    digits = raw[:-2] if re.fullmatch(r"\d+\.0", raw) else raw
    return f"{int(digits):05d}" if digits.isdigit() and len(digits) <= 5 else digits


def rows_outside_scope(session: Session, officer: Officer, kind: str, source: bytes | str | Path,
                       filename: str | None = None, limit: int = 1000) -> list[RowError]:
    """Rows of the file the officer may not import (at most `limit`); [] when all are in scope.
    Unreadable files and missing columns are left to the import itself to report."""
    if covers_all(officer) or kind not in COLUMNS:
        return []
    table = read_table(source, filename)
    layout = match_headers(table.headers, COLUMNS[kind])
    if layout.missing:  # refused by the import itself, which names the kind of file it is
        return []
    t = translator("vi")
    parents = dict(session.execute(select(Unit.code, Unit.parent_code)).all())
    errors: list[RowError] = []
    if kind in ("beneficiaries", "schedules"):
        header = layout.headers.get("ma_xa")
        if header is None:
            return []
        for row, record in table:
            code = _unit_code(record.get(header) or "")
            if code and code in parents and not can_act_on(officer, code, parents.get(code)):
                errors.append(RowError(row, header,
                                       t._("This row is for unit %(code)s, outside your scope; nothing was "
                                           "imported.", code=code)))
                if len(errors) >= limit:
                    break
        return errors
    header = layout.headers.get("ma_doi_tuong")
    if header is None:
        return []
    rows: list[tuple[int, str]] = []
    for row, record in table:
        text = record.get(header) or ""
        if text.strip():
            try:
                rows.append((row, parse_code(text)))
            except ValueError:
                continue
    units: dict[str, str] = {}
    codes = list(dict.fromkeys(code for _, code in rows))
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        units.update(session.execute(select(Beneficiary.code,
                                            Beneficiary.unit_code).where(Beneficiary.code.in_(chunk))).all())
    for row, code in rows:
        unit = units.get(code)
        if unit is not None and not can_act_on(officer, unit, parents.get(unit)):
            errors.append(RowError(row, header,
                                   t._("Beneficiary %(code)s belongs to another unit, outside your scope; "
                                       "nothing was imported.", code=code)))
            if len(errors) >= limit:
                break
    return errors
