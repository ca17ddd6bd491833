"""The complaints inbox: tickets of one's own unit (or all, for the province), assign, reply,
resolve. The workflow and the message to the person are core.complaints.workflow's."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import or_, select

from console.wording import sees_full_phones
from console.web import audit, bp, db, forbidden, login_required, not_found_page, runtime, scope_codes, tr
from core.models import Beneficiary, Complaint, Officer, Unit
from core.complaints import workflow as complaint_workflow
from core.notify.errors import ActionRefused
from core.officers.accounts import actor_name, can_act_on

FILTERS = ("open", "new", "in_progress", "resolved", "all")


@bp.get("/complaints")
@login_required
def complaints():
    chosen = request.args.get("status", "open")
    chosen = chosen if chosen in FILTERS else "open"
    with db() as s:
        query = select(Complaint)
        codes = scope_codes(s)
        if codes is not None:
            query = query.where(Complaint.unit_code.in_(codes))
        if chosen == "open":
            query = query.where(Complaint.status != "resolved")
        elif chosen != "all":
            query = query.where(Complaint.status == chosen)
        rows = list(s.scalars(query.order_by(Complaint.id.desc()).limit(200)))
        units = dict(
            s.execute(
                select(Unit.code, Unit.name).where(Unit.code.in_({c.unit_code for c in rows if c.unit_code}))
            ).all()
        )
        people = dict(s.execute(select(Beneficiary.id, Beneficiary.code).where(
            Beneficiary.id.in_({c.beneficiary_id for c in rows if c.beneficiary_id}))).all())
        audit(s, "complaint.list", status=chosen, count=len(rows))
    return render_template("console/complaints.html", rows=rows, units=units, codes=people, chosen=chosen,
                           filters=FILTERS)


def _in_scope(s, complaint_id: int):
    """(complaint, None) when the officer may act on it, else (None, the 404 or 403 page)."""
    complaint = s.get(Complaint, complaint_id)
    if complaint is None:
        return None, not_found_page(tr()._("There is no such complaint."))
    unit = s.get(Unit, complaint.unit_code) if complaint.unit_code else None
    if not can_act_on(g.officer, unit.code if unit else None, unit.parent_code if unit else None):
        return None, forbidden()
    return complaint, None


@bp.get("/complaints/<int:complaint_id>")
@login_required
def complaint(complaint_id: int):
    with db() as s:
        found, refused = _in_scope(s, complaint_id)
        if refused is not None:
            return refused
        beneficiary = s.get(Beneficiary, found.beneficiary_id) if found.beneficiary_id else None
        unit = s.get(Unit, found.unit_code) if found.unit_code else None
        officers = list(s.scalars(select(Officer).where(Officer.active.is_(True), or_(
            Officer.role == "province", Officer.unit_code == found.unit_code)).order_by(Officer.role,
                                                                                        Officer.username)))
        events = list(found.events)
        audit(s, "complaint.view", found.beneficiary_id, complaint=found.number,
              full_phones=sees_full_phones(found.unit_code))
    return render_template("console/complaint.html", c=found, beneficiary=beneficiary, unit=unit,
                           officers=officers,
                           events=events)


@bp.post("/complaints/<int:complaint_id>/<any(assign, reply, resolve):step>")
@login_required
def complaint_step(complaint_id: int, step: str):
    app_runtime = runtime()
    t = tr()
    with db() as s:
        found, refused = _in_scope(s, complaint_id)
        if refused is not None:
            return refused
        actor = actor_name(g.officer)
        try:
            if step == "assign":
                complaint_workflow.assign(s, found, request.form.get("officer") or g.officer.username, actor,
                                          clock=app_runtime.clock)
                flash(t._("The complaint was assigned."), "ok")
            elif step == "reply":
                sent = complaint_workflow.reply(s, found, request.form.get("text", "")[:1000], actor,
                                                settings=app_runtime.settings, clock=app_runtime.clock)
                flash(t._("The answer was sent to the person.") if sent else t._("The answer was recorded, "
                                                                                 "but the person cannot be "
                                                                                 "reached."), "ok")
            else:
                sent = complaint_workflow.resolve(s, found, actor,
                                                  request.form.get("note", "")[:1000] or None,
                                                  settings=app_runtime.settings, clock=app_runtime.clock)
                flash(
                    t._("The complaint is resolved and the person was told.")
                    if sent
                    else t._("The complaint is resolved; the person cannot be reached."),
                    "ok",
                )
        except ActionRefused as refused:
            s.rollback()
            flash(refused.message(t), "error")
    return redirect(url_for("console.complaint", complaint_id=complaint_id))
