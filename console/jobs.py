"""Imports started from the browser run in a background thread; their state lives in the
runtime's state store (database or Redis), keyed by a job id, so any web worker can answer the
page's progress polls. Results keep the first ERRORS_KEPT row errors for the screen and the CSV."""
from __future__ import annotations

import io
import logging
import os
import secrets
import tempfile
import threading
import time

from sqlalchemy import func, select

from core.privacy.audit import record_disclosure
from core.i18n import translator
from core.officers.import_scope import rows_outside_scope
from core.imports import ImportFileError, import_file
from core.imports.listeners import registered_listeners
from core.models import Officer, OutboxMessage
from core.officers.accounts import actor_name

logger = logging.getLogger(__name__)
TTL = 24 * 3600
ERRORS_KEPT = 5000
# How far running imports are: (file row reached, rows in the file). Kept in this process only:
# the import holds the database's write lock, so its thread cannot write the shared state store.
_PROGRESS: dict[str, tuple[int, int | None]] = {}


def _key(job_id: str) -> str:
    return f"console:import:{job_id}"


def import_listeners(runtime) -> list:
    """The notification listener built on this runtime (its settings and clock), and any other
    listener registered with core.imports (the CLI's own notifier is left out: it reads its
    settings from the command line's context)."""
    listeners = []
    try:
        from core.notify.events import NotifyOnImport
    except ImportError:  # notifications not installed: imports still work
        NotifyOnImport = None
    if NotifyOnImport is not None:
        listeners.append(NotifyOnImport(runtime.settings, runtime.clock))
    for listener in registered_listeners():
        if type(listener).__name__ == "CliNotifier" or (NotifyOnImport and isinstance(listener,
                                                                                      NotifyOnImport)):
            continue
        listeners.append(listener)
    return listeners


def get_job(runtime, job_id: str) -> dict | None:
    if not job_id or len(job_id) > 40:
        return None
    return runtime.state.get(_key(job_id))


def rows_in(data: bytes, suffix: str) -> int | None:
    """About how many rows the file has (lines of a CSV, the sheet's extent in an XLSX), for a
    percentage; None when it cannot be told cheaply."""
    if suffix == ".csv":
        return data.count(b"\n") + (0 if data.endswith(b"\n") else 1) or None
    if suffix == ".xlsx":
        try:
            from openpyxl import load_workbook

            workbook = load_workbook(io.BytesIO(data), read_only=True)
            try:
                return workbook.active.max_row if workbook.active is not None else None
            finally:
                workbook.close()
        except Exception:  # noqa: BLE001 - a damaged file: the import itself says why
            return None
    return None


def progress(job_id: str) -> dict:
    """{'row', 'rows', 'percent'} of an import running in this process; {} elsewhere or when done."""
    row, rows = _PROGRESS.get(job_id, (0, None))
    if not row:
        return {}
    return {"row": row, "rows": rows, "percent": min(99, 100 * row // rows) if rows else None}


def start_import(runtime, officer: Officer, kind: str, filename: str, data: bytes,
                 inline: bool = False) -> str:
    """Save the upload to a temporary file and import it in a thread (or now, when `inline`)."""
    job_id = secrets.token_urlsafe(12)
    suffix = os.path.splitext(filename)[1].lower()[:6] or ".csv"
    handle, path = tempfile.mkstemp(prefix="ansinh-import-", suffix=suffix)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    runtime.state.set(_key(job_id),
                      {"status": "running", "officer_id": officer.id, "kind": kind, "file": filename,
                                     "started": time.time(), "size": len(data)}, TTL)
    args = (runtime, job_id, officer.id, kind, filename, path)
    _PROGRESS[job_id] = (0, rows_in(data, suffix))
    if inline:
        _run(*args)
    else:
        threading.Thread(target=_run, args=args, name=f"console-import-{job_id}", daemon=True).start()
    return job_id


def _run(runtime, job_id: str, officer_id: int, kind: str, filename: str, path: str) -> None:
    state = runtime.state.get(_key(job_id)) or {}
    t = translator("vi")
    try:
        with runtime.sessions() as session:
            officer = session.get(Officer, officer_id)
            refused = rows_outside_scope(session, officer, kind, path, filename)
            before = session.scalar(select(func.max(OutboxMessage.id))) or 0
        if refused:
            with runtime.sessions.begin() as session:
                record_disclosure(session, actor_name(officer), f"import.{kind}.refused", None, "console",
                                  {"file": filename, "rows": len(refused)})
            state.update(status="refused", total=0, created=0, updated=0, unchanged=0,
                         rejected=len({e.row for e in refused}),
                         errors=[_error(e) for e in refused[:ERRORS_KEPT]], errors_total=len(refused),
                         notifications=0)
        else:
            rows = _PROGRESS.get(job_id, (0, None))[1]

            def reached(row: int) -> None:
                _PROGRESS[job_id] = (row, rows)

            report = import_file(runtime.sessions, kind, path, today=runtime.clock.today(),
                                 listeners=import_listeners(runtime), filename=filename,
                                 actor=actor_name(officer), progress=reached)
            with runtime.sessions() as session:
                queued = session.scalar(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.id > before, OutboxMessage.kind == "notification")) or 0
            outcome, headline = report.headline(t)
            state.update(status="done", total=report.total, created=report.created, updated=report.updated,
                         unchanged=report.unchanged, rejected=report.rejected, notifications=queued,
                         outcome=outcome, headline=headline, warnings=report.warnings(t),
                         errors=[_error(e) for e in report.errors[:ERRORS_KEPT]],
                         errors_total=len(report.errors))
    except ImportFileError as error:
        state.update(status="failed", message=str(error))
    except Exception:
        logger.exception("console import %s failed", job_id)
        state.update(status="failed",
                     message=t._("The import failed unexpectedly; nothing was imported. Please try again."))
    finally:
        _PROGRESS.pop(job_id, None)
        try:
            os.unlink(path)
        except OSError:
            pass
    state["finished"] = time.time()
    runtime.state.set(_key(job_id), state, TTL)


def _error(error) -> dict:
    return {"row": error.row, "column": error.column, "message": error.message}
