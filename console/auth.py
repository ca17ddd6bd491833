"""Signing in and out, changing one's password, and the home page. Failed sign-ins are limited per
client address and per (username, address) in core.officers.sign_in, never per account alone, so nobody
can lock an officer out from elsewhere; an unknown name and a wrong password get the same answer.
Every sign-in, failure, refusal and sign-out is in the audit log. A session cookie carries the
account's session epoch (core.officers.accounts): signing out or a new password ends every session."""
from __future__ import annotations

import logging

from flask import flash, g, redirect, render_template, request, session, url_for
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
from core.counting import count
from core.broadcasts.lifecycle import covers
from core.i18n import N_
from core.models import AuditLog, Beneficiary, Broadcast, Complaint, Officer
from core.officers.accounts import LoginFailed, OfficerError, change_password, end_sessions
from core.officers.sign_in import SignInLimited, sign_in

logger = logging.getLogger(__name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, limited, username = None, None, ""
    if request.method == "POST":
        username = (request.form.get("username") or "").strip().lower()[:60]
        address = request.remote_addr or "-"  # the client's, behind ANSINH_TRUSTED_PROXIES proxies
        with db() as s:
            try:
                found = sign_in(s, make_guard(runtime().settings, session=s), username,
                                request.form.get("password") or "", address)
            except SignInLimited as refused:
                limited = refused
                audit(s, "login.limited", username=username, address=address)
            except LoginFailed as failure:
                error = str(failure)
                audit(s, "login.failed", username=username)
                count("login_failed")
            else:
                g.officer = found
                audit(s, "login")
                officer_id, epoch = found.id, found.session_epoch
        if limited is not None:
            return _too_many_attempts("console/login.html", limited, username=username)
        if error is None:
            _start_session(officer_id, epoch)
            return redirect(safe_next(request.args.get("next")))
    return render_template("console/login.html", error=error, username=username), 401 if error else 200


def _start_session(officer_id: int, epoch: int) -> None:
    session.clear()
    session.permanent = True
    session["officer_id"] = officer_id
    session["session_epoch"] = epoch


def _too_many_attempts(template: str, refused: SignInLimited, **context):
    """429 with Retry-After; the password was not even looked at."""
    logger.warning("console sign-in attempts limited (%s)",
                   "blocked" if any(v.blocked for v in refused.verdicts) else "slowed")
    error = tr()._("Too many failed sign-ins from here or for this account. Please wait %(minutes)s minutes "
                   "and try again.",
                   minutes=wait_minutes(refused.verdicts))
    return render_template(template, error=error, **context), 429, {"Retry-After": str(refused.retry_after)}


@bp.post("/logout")
def logout():
    """Ends every session of the officer, not only this browser's: a copied cookie dies too."""
    if getattr(g, "officer", None) is not None:
        with db() as s:
            end_sessions(s.get(Officer, g.officer.id))
            audit(s, "logout")
    session.clear()
    return redirect(url_for("console.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """The officer's own new password: the current one first (limited like a sign-in); every other
    session of the account ends, this one goes on."""
    error, status, limited = None, 200, None
    if request.method == "POST":
        new, again = request.form.get("new_password") or "", request.form.get("new_password_again") or ""
        address = request.remote_addr or "-"
        with db() as s:
            try:
                officer = sign_in(s, make_guard(runtime().settings, session=s), g.officer.username,
                                  request.form.get("current_password") or "", address)
                if new != again:
                    raise OfficerError(N_("The two new passwords are not the same."))
                change_password(officer, new)
            except SignInLimited as refused:
                limited = refused
                audit(s, "login.limited", username=g.officer.username, address=address)
            except LoginFailed:
                error, status = tr()._("The current password is not right."), 400
                audit(s, "password.failed")
            except OfficerError as refused:
                error, status = str(refused), 400
            else:
                audit(s, "password.change")
                officer_id, epoch = officer.id, officer.session_epoch
        if limited is not None:
            return _too_many_attempts("console/password.html", limited)
        if error is None:
            _start_session(officer_id, epoch)
            flash(tr()._("Your password was changed. Every other session of your account has ended."), "ok")
            return redirect(url_for("console.home"))
    return render_template("console/password.html", error=error), status


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
