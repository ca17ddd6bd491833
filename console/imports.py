"""Imports through the browser: upload a CSV, XLSX, XLS or ODS list, watch it run, read what
changed (or why nothing was), which rows were rejected and why (on screen and as a CSV for
Excel), the warnings, and how many notifications the import queued."""
from __future__ import annotations

import logging
import os
import re

from flask import (
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import or_, select

from console.exports import to_csv
from console.jobs import get_job, progress, start_import
from console.web import audit, bp, db, login_required, not_found_page, runtime, tr
from core.imports import KINDS
from core.models import AuditLog
from core.vietnamese_text import strip_diacritics

logger = logging.getLogger(__name__)
ALLOWED = (".csv", ".xlsx", ".xls", ".ods")
MAX_BYTES = 30 * 1024 * 1024


@bp.get("/imports")
@login_required
def imports():
    with db() as s:
        query = select(AuditLog).where(or_(*[AuditLog.action.like(f"import.{k}%") for k in KINDS]))
        if g.officer.role == "commune":
            query = query.where(AuditLog.actor == f"officer:{g.officer.username}")
        history = list(s.scalars(query.order_by(AuditLog.id.desc()).limit(15)))
    return render_template("console/imports.html", kinds=KINDS, history=history)


@bp.post("/imports")
@login_required
def import_upload():
    kind = request.form.get("kind")
    upload = request.files.get("file")
    t = tr()
    if kind not in KINDS:
        flash(t._("Choose what the file contains."), "error")
        return redirect(url_for("console.imports"))
    if upload is None or not upload.filename:
        flash(t._("Choose a CSV, Excel (.xlsx, .xls) or LibreOffice (.ods) file."), "error")
        return redirect(url_for("console.imports"))
    name = os.path.basename(upload.filename.replace("\\", "/"))[:200]
    if os.path.splitext(name)[1].lower() not in ALLOWED:
        flash(t._("Only CSV, Excel (.xlsx, .xls) or LibreOffice (.ods) files can be imported."), "error")
        return redirect(url_for("console.imports"))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        flash(t._("The file is too large (at most 30 MB)."), "error")
        return redirect(url_for("console.imports"))
    job_id = start_import(runtime(), g.officer, kind, name, data,
                          inline=current_app.config.get("CONSOLE_IMPORT_INLINE", False))
    with db() as s:
        audit(s, "import.upload", kind=kind, file=name, job=job_id)
    return redirect(url_for("console.import_job", job_id=job_id))


def _own_job(job_id: str) -> dict | None:
    job = get_job(runtime(), job_id)
    if job is None or job.get("officer_id") != g.officer.id:
        return None
    return job


def _unknown_job():
    return not_found_page(tr()._("This import is not known (results are kept for a day)."))


@bp.get("/imports/<job_id>")
@login_required
def import_job(job_id: str):
    job = _own_job(job_id)
    if job is None:
        return _unknown_job()
    moving = {"row": 0, "rows": None, "percent": None, **progress(job_id)}
    return render_template("console/import_job.html", job=job, job_id=job_id, moving=moving)


@bp.get("/imports/<job_id>/status")
@login_required
def import_status(job_id: str):
    job = _own_job(job_id)
    if job is None:
        return jsonify(status="unknown"), 404
    keys = ("status", "total", "created", "updated", "unchanged", "rejected", "notifications", "errors_total",
            "message", "outcome", "headline", "warnings")
    return jsonify({**{k: job.get(k) for k in keys}, **progress(job_id)})


@bp.get("/imports/<job_id>/errors.csv")
@login_required
def import_errors_csv(job_id: str):
    job = _own_job(job_id)
    if job is None:
        return _unknown_job()
    t = tr()
    # The column is a header from the file: maybe "=cmd|…"; to_csv makes every cell inert.
    rows = ([error["row"], error["column"], error["message"]] for error in job.get("errors") or [])
    report = to_csv([t._("Row"), t._("Column"), t._("Problem")], rows)
    with db() as s:
        audit(s, "import.errors_download", job=job_id, file=job.get("file"))
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_",
                  strip_diacritics(os.path.splitext(job.get("file") or "import")[0]))
    filename = f"loi-{stem[:80]}.csv"
    return Response(report, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
