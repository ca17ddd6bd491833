"""Signing in and out, and the home page. Five wrong passwords lock an account for fifteen
minutes (core.officers); failed sign-ins are also counted per client address and per username
(core.abuse `console_login`), so spraying one password over many accounts is refused with a 429
before any password is checked. Every sign-in, failure, refusal and sign-out is in the audit log."""
from __future__ import annotations

import logging

from flask import g, redirect, render_template, request, session, url_for
from sqlalchemy import func, select

from console.web import (
    audit,
    bp,
    db,
    login_required,
    runtime,
    safe_next,
    scope_codes,
    tr,
)
from core.abuse import make_guard, wait_minutes
from core.broadcast import covers
from core.models import AuditLog, Beneficiary, Broadcast, Complaint
from core.officers import LoginFailed, authenticate

logger = logging.getLogger(__name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    username = ""
    if request.method == "POST":
        username = (request.form.get("username") or "").strip().lower()[:60]
        password = request.form.get("password") or ""
        guard = make_guard(runtime().settings, runtime().sessions)
        keys = _attempt_keys(username)
        refused = [v for v in (guard.check("console_login", key) for key in keys) if not v.allowed]
        if refused:
            return _too_many_attempts(username, refused)
        with db() as s:
            try:
                found = authenticate(s, username, password, runtime().clock.now())
            except LoginFailed as failure:
                error = str(failure)
                audit(s, "login.failed", username=username)
            else:
                g.officer = found
                audit(s, "login")
        if error is not None:
            for key in keys:  # only failures count: a ward office behind one address signs in freely
                guard.hit("console_login", key)
        if error is None:
            session.clear()
            session.permanent = True
            session["officer_id"] = g.officer.id
            session["officer_hash"] = g.officer.password_hash[-16:]
            return redirect(safe_next(request.args.get("next")))
    return render_template("console/login.html", error=error, username=username), 401 if error else 200


def _attempt_keys(username: str) -> tuple[str, str]:
    """The address the WSGI server saw (behind a reverse proxy, have it pass the client's) and the name."""
    return f"ip:{request.remote_addr or '-'}", f"user:{username}"


def _too_many_attempts(username: str, refused):
    """429 with Retry-After; the password is not even looked at, and the refusal is audited."""
    wait = max(v.retry_after for v in refused)
    logger.warning("console sign-in attempts limited (%s)", "blocked" if any(v.blocked for v in refused) else "slowed")
    with db() as s:
        audit(s, "login.limited", username=username, address=request.remote_addr or "-")
    error = tr()._("Too many failed sign-ins from here or for this account. Please wait %(minutes)s minutes and try again.",
                   minutes=wait_minutes(refused))
    return render_template("console/login.html", error=error, username=username), 429, {"Retry-After": str(wait)}


@bp.post("/logout")
def logout():
    if getattr(g, "officer", None) is not None:
        with db() as s:
            audit(s, "logout")
    session.clear()
    return redirect(url_for("console.login"))


@bp.get("/")
@login_required
def home():
    with db() as s:
        codes = scope_codes(s)
        people = select(func.count()).select_from(Beneficiary).where(Beneficiary.active.is_(True))
        complaints = select(func.count()).select_from(Complaint).where(Complaint.status != "resolved")
        if codes is not None:
            people = people.where(Beneficiary.unit_code.in_(codes))
            complaints = complaints.where(Complaint.unit_code.in_(codes))
        pending = [b for b in s.scalars(select(Broadcast).where(Broadcast.status == "pending_approval")
                                        .order_by(Broadcast.id.desc()).limit(200))
                   if b.created_by != g.officer.id and covers(g.officer, b, s)]
        recent = list(s.scalars(select(AuditLog).where(AuditLog.actor == f"officer:{g.officer.username}")
                                .order_by(AuditLog.id.desc()).limit(8)))
        stats = {"beneficiaries": s.scalar(people) or 0, "open_complaints": s.scalar(complaints) or 0}
    return render_template("console/home.html", stats=stats, pending=pending, recent=recent)
