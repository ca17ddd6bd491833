"""The audit log: who saw or did what, when. A province administrator reads all of it; a
commune officer reads their own actions and every disclosure about their unit's beneficiaries."""
from __future__ import annotations

from flask import g, render_template, request
from sqlalchemy import or_, select

from console.labels import LABELS
from console.web import audit, bp, db, login_required, scope_codes
from console.wording import PEOPLE_CHANNELS
from core.models import AuditLog, Beneficiary
from core.phones import mask_phone, normalize_phone

PAGE = 100


def _actors(typed: str) -> tuple[list[str], str]:
    """The actor names a typed filter means (an officer's username, a phone on any channel, or an
    actor name as stored), and how the audit row records the filter (a phone masked)."""
    if ":" in typed:
        return [typed], typed
    phone = normalize_phone(typed)
    if phone is not None:
        return [f"{channel}:{phone}" for channel in PEOPLE_CHANNELS], mask_phone(phone)
    return [f"officer:{typed.lower()}"], typed


@bp.get("/audit")
@login_required
def audit_log():
    actor = (request.args.get("actor") or "").strip()[:80]
    action = (request.args.get("action") or "").strip().rstrip(".")[:40]
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
            query = query.where(or_(AuditLog.actor == f"officer:{g.officer.username}",
                                    AuditLog.beneficiary_id.in_(ours)))
        recorded = actor
        if actor:
            actors, recorded = _actors(actor)
            query = query.where(AuditLog.actor.in_(actors))
        if action:
            group = action.replace("%", "")
            query = query.where(or_(AuditLog.action == group, AuditLog.action.like(group + ".%")))
        if code:
            query = query.where(
                AuditLog.beneficiary_id.in_(select(Beneficiary.id).where(Beneficiary.code == code))
            )
        if before:
            query = query.where(AuditLog.id < before)
        rows = list(s.scalars(query.order_by(AuditLog.id.desc()).limit(PAGE)))
        people = dict(s.execute(select(Beneficiary.id, Beneficiary.code).where(
            Beneficiary.id.in_({r.beneficiary_id for r in rows if r.beneficiary_id}))).all())
        audit(s, "audit.view", who=recorded, what=action, code=code)
    return render_template("console/audit.html", rows=rows, people=people, actor=actor, action=action,
                           code=code,
                           groups=list(LABELS["audit_group"]),
                           next_before=rows[-1].id if len(rows) == PAGE else None)
