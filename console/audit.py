"""The audit log: who saw or did what, when. A province administrator reads all of it; a
commune officer reads their own actions and every disclosure about their unit's beneficiaries."""
from __future__ import annotations

from flask import g, render_template, request
from sqlalchemy import or_, select

from console.web import audit, bp, db, login_required, scope_codes
from core.models import AuditLog, Beneficiary

PAGE = 100


@bp.get("/audit")
@login_required
def audit_log():
    actor = (request.args.get("actor") or "").strip()[:80]
    action = (request.args.get("action") or "").strip()[:40]
    code = (request.args.get("code") or "").strip().upper()[:30]
    try:
        before = int(request.args.get("before") or 0)
    except ValueError:
        before = 0
    with db() as s:
        query = select(AuditLog)
        codes = scope_codes(s)
        if codes is not None:
            ours = select(Beneficiary.id).where(Beneficiary.unit_code.in_(codes))
            query = query.where(or_(AuditLog.actor == f"officer:{g.officer.username}", AuditLog.beneficiary_id.in_(ours)))
        if actor:
            query = query.where(AuditLog.actor == actor)
        if action:
            query = query.where(AuditLog.action.like(action.replace("%", "") + "%"))
        if code:
            query = query.where(AuditLog.beneficiary_id.in_(select(Beneficiary.id).where(Beneficiary.code == code)))
        if before:
            query = query.where(AuditLog.id < before)
        rows = list(s.scalars(query.order_by(AuditLog.id.desc()).limit(PAGE)))
        people = dict(s.execute(select(Beneficiary.id, Beneficiary.code).where(
            Beneficiary.id.in_({r.beneficiary_id for r in rows if r.beneficiary_id}))).all())
        audit(s, "audit.view", who=actor, what=action, code=code)
    return render_template("console/audit.html", rows=rows, people=people, actor=actor, action=action, code=code,
                           next_before=rows[-1].id if len(rows) == PAGE else None)
