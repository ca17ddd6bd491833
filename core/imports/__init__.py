"""Importing the commune officers' files: beneficiaries, payments (lists or provider results)
and cash schedules, from CSV, XLSX, XLS or ODS (INTERFACES.md, "Import files").

Good rows are written, bad rows are reported (row, column, Vietnamese message); a missing
required column rejects the whole file, and a file that has another kind's columns is named
for what it is. `import_file` is one transaction: all good rows or nothing. Listeners get the
changes (`PaymentChanged`, `ScheduleSet`) before the commit. Payment providers' names: `providers`.

May import: privacy, storage, models and the loose modules."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from core import counting
from core.storage.db import transaction
from core.imports.beneficiaries import BeneficiaryImport
from core.imports.bulk import fewer_collections, quick_handoffs
from core.imports.columns import (
    BENEFICIARY_COLUMNS,
    PAYMENT_COLUMNS,
    SCHEDULE_COLUMNS,
    match_headers,
    missing_column_errors,
)
from core.imports.hashing import hash_identifier
from core.imports.payments import PaymentImport
from core.imports.problems import (
    N_,
    ImportFileError,
    ImportReport,
    PaymentChanged,
    RowError,
    ScheduleSet,
)
from core.imports.reader import read_table
from core.imports.schedules import ScheduleImport
from core.models import AuditLog, utcnow

logger = logging.getLogger(__name__)

KINDS = ("beneficiaries", "payments", "schedules")
KIND_NOUNS = {"beneficiaries": N_("beneficiary list"), "payments": N_("payment list"),
              "schedules": N_("cash payment schedule")}
_IMPORTERS = {
    "beneficiaries": (BENEFICIARY_COLUMNS, BeneficiaryImport),
    "payments": (PAYMENT_COLUMNS, PaymentImport),
    "schedules": (SCHEDULE_COLUMNS, ScheduleImport),
}
Listener = Callable[[Session, list], None]

__all__ = [
    "KINDS",
    "ImportFileError",
    "ImportReport",
    "PaymentChanged",
    "RowError",
    "ScheduleSet",
    "hash_identifier",
    "import_file",
    "import_rows",
    "read_table",
]


def import_rows(session: Session, kind: str, rows: Iterable[tuple[int, Mapping[str, object]]], *, today: date,
                listeners: Sequence[Listener] = (), chunk_size: int | None = None,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    """Validate and write rows of one kind in `session` (no commit). The headers are
    `rows.headers` when given (see `read_table`), else the first row's keys. Beneficiaries and
    payments are written `chunk_size` rows at a time (default: core.imports.bulk.chunk_rows).
    `progress` is called with the file's row number every PROGRESS_EVERY rows read."""
    if kind not in _IMPORTERS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {KINDS}")
    columns, importer = _IMPORTERS[kind]
    report = ImportReport(kind)
    iterator = iter(rows)
    headers = getattr(rows, "headers", None)
    if headers is None:
        first = next(iterator, None)
        if first is None:
            return report
        headers = list(first[1].keys())
        iterator = _prepend(first, iterator)
    layout = match_headers(headers, columns)
    if layout.missing:
        report.total = sum(1 for _ in iterator)
        _refuse(report, headers, layout)
        return report
    job = importer(session, layout, today, utcnow(), report)
    if chunk_size:
        job.chunk_size = chunk_size
    if progress is not None:
        iterator = _reporting(iterator, progress)
    with fewer_collections(), quick_handoffs():
        job.run(iterator)
    report.errors.sort(key=lambda e: e.row)
    session.flush()
    for listener in listeners:
        listener(session, report.events)
    return report


def file_kind(headers: Sequence[str], chosen: str) -> str | None:
    """The other kind whose required columns the headers have (the kind with most matching
    headers when several do): a payments file uploaded as a beneficiaries list."""
    fits = [(len(layout.headers), kind) for kind, (columns, _) in _IMPORTERS.items() if kind != chosen
            and not (layout := match_headers(headers, columns)).missing]
    return max(fits)[1] if fits else None


def _refuse(report: ImportReport, headers: Sequence[str], layout) -> None:
    found = file_kind(headers, report.kind)
    if found is not None:
        report.refuse(N_("This file is a %(found)s, not a %(chosen)s, so nothing was imported. Import it "
                         "again as a "
                         "%(found)s, or choose the right file."), found=KIND_NOUNS[found],
                      chosen=KIND_NOUNS[report.kind])
        return
    report.errors = missing_column_errors(layout)
    report.refuse(N_("The file lacks the required columns %(columns)s, so nothing was imported."),
                  columns=", ".join(f"«{column.header}»" for column in layout.missing))


def _prepend(first, rest):
    yield first
    yield from rest


PROGRESS_EVERY = 500


def _reporting(rows, progress: Callable[[int], None]):
    """The rows, telling `progress` how far into the file they are (a page's progress bar)."""
    for count, row in enumerate(rows, start=1):
        if count % PROGRESS_EVERY == 0:
            progress(row[0])
        yield row


def import_file(session_factory: sessionmaker[Session], kind: str, path: str | Path | bytes, *, today: date,
                listeners: Sequence[Listener] = (), filename: str | None = None, actor: str = "cli",
                chunk_size: int | None = None, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Read a file and import it in one transaction; raises ImportFileError when unreadable."""
    started = time.monotonic()
    table = read_table(path, filename)
    name = filename or (Path(path).name if not isinstance(path, (bytes, bytearray)) else None)
    with transaction(session_factory) as session:
        report = import_rows(session, kind, table, today=today, listeners=listeners, chunk_size=chunk_size,
                             progress=progress)
        session.add(AuditLog(actor=actor, action=f"import.{kind}", detail={
            "file": name, "total": report.total, "created": report.created, "updated": report.updated,
            "unchanged": report.unchanged, "rejected": report.rejected,
            **({"refused": report.headline()[1]} if report.refusal else {}),
            **({"unknown_providers": {written: rows for written, rows in report.unknown_providers.values()}}
               if report.unknown_providers else {}),
        }))
    counting.count("import_rows", report.total - report.rejected, kind=kind, outcome="accepted")
    counting.count("import_rows", report.rejected, kind=kind, outcome="rejected")
    counting.count("import_seconds", time.monotonic() - started, kind=kind)
    logger.info("imported %s from %s: %d rows, %d new, %d updated, %d rejected",
                kind, name, report.total, report.created, report.updated, report.rejected)
    return report
