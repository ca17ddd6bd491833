"""Signing in and out, and the home page. Five wrong passwords lock an account for fifteen
minutes (core.officers); every sign-in, failure and sign-out is in the audit log."""
from __future__ import annotations

import logging

from flask import g, redirect, render_template, request, session, url_for
from sqlalchemy import func, select

from console.web import audit, bp, db, login_required, runtime, safe_next, scope_codes
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
        with db() as s:
            try:
                found = authenticate(s, username, password, runtime().clock.now())
            except LoginFailed as failure:
                error = str(failure)
                audit(s, "login.failed", username=username)
            else:
                g.officer = found
                audit(s, "login")
        if error is None:
            session.clear()
            session.permanent = True
            session["officer_id"] = g.officer.id
            session["officer_hash"] = g.officer.password_hash[-16:]
            return redirect(safe_next(request.args.get("next")))
    return render_template("console/login.html", error=error, username=username), 401 if error else 200


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
