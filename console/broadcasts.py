"""Broadcasts in the console: compose with audience filters and fields, preview per channel with
encoding, characters and SMS segments, schedule, approve (a second officer), and watch delivery
live. The rules are core.broadcast's, the same as `ansinh broadcast`."""
from __future__ import annotations

from datetime import datetime

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from console.web import audit, bp, db, forbidden, login_required, runtime, tr
from core.broadcast import (
    approve,
    check_approver,
    covers,
    create_broadcast,
    make_filters,
    preview,
    reject,
    summary,
)
from core.broadcast_template import FIELDS
from core.models import Broadcast, Category, Officer, Unit
from core.models.payments import PAYMENT_STATUSES
from core.models.people import CHANNELS, METHODS
from core.officers import N_, OfficerError, scope_unit_codes, scope_units

FINAL = ("done", "rejected", "cancelled")


def _visible(s, broadcast: Broadcast) -> bool:
    if broadcast.created_by == g.officer.id or covers(g.officer, broadcast, s):
        return True
    codes = scope_unit_codes(s, g.officer)
    units = (broadcast.filters or {}).get("units") or []
    return codes is None or any(code in codes for code in units)


@bp.get("/broadcasts")
@login_required
def broadcasts():
    with db() as s:
        rows = [b for b in s.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(300)) if _visible(s, b)][:100]
        authors = dict(s.execute(select(Officer.id, Officer.username)).all())
    return render_template("console/broadcasts.html", rows=rows, authors=authors)


def _form_values() -> dict:
    form = request.form
    return {"text": form.get("text", ""), "units": form.getlist("units"), "categories": form.getlist("categories"),
            "method": form.get("method") or None, "status": form.get("status") or None,
            "period": form.get("period") or None, "channel": form.get("channel") or None,
            "send_date": form.get("send_date") or "", "send_time": form.get("send_time") or ""}


def _scheduled(values: dict):
    if not values["send_date"]:
        return None
    try:
        moment = datetime.strptime(f"{values['send_date']} {values['send_time'] or '08:00'}", "%Y-%m-%d %H:%M")
    except ValueError:
        raise OfficerError(N_("Write the time as YYYY-MM-DD HH:MM, for example 2026-12-01 07:30.")) from None
    return moment.replace(tzinfo=runtime().clock.tz)


def _compose_page(s, values: dict, shown=None, status_code: int = 200):
    units = scope_units(s, g.officer)
    if len(units) > 200:  # a national administrator: offer the units that have beneficiaries
        from core.models import Beneficiary

        used = set(s.scalars(select(Beneficiary.unit_code).distinct()))
        units = [u for u in units if u.code in used]
    categories = list(s.scalars(select(Category).order_by(Category.programme_code.desc(), Category.code)))
    return render_template("console/broadcast_new.html", values=values, units=units, categories=categories,
                           methods=METHODS, statuses=PAYMENT_STATUSES, channels=CHANNELS, fields=FIELDS,
                           preview=shown), status_code


@bp.route("/broadcasts/new", methods=["GET", "POST"])
@login_required
def broadcast_new():
    rt = runtime()
    values = _form_values() if request.method == "POST" else {
        "text": "", "units": [], "categories": [], "method": None, "status": None, "period": None, "channel": None,
        "send_date": "", "send_time": ""}
    with db() as s:
        if request.method == "GET":
            return _compose_page(s, values)
        try:
            filters = make_filters(s, g.officer, rt.clock, units=values["units"], categories=values["categories"],
                                   method=values["method"], status=values["status"], period=values["period"],
                                   channel=values["channel"])
            scheduled = _scheduled(values)
            if request.form.get("action") == "create":
                created = create_broadcast(s, g.officer, values["text"], filters, rt.clock, scheduled)
                flash(tr()._("Broadcast created for %(count)s people; it waits for another officer's approval.",
                             count=created.recipients), "ok")
                new_id = created.id
            else:
                shown = preview(s, rt.settings, rt.clock, values["text"], filters)
                audit(s, "broadcast.preview", recipients=shown.recipients)
                return _compose_page(s, values, shown)
        except OfficerError as error:
            flash(str(error), "error")
            return _compose_page(s, values, status_code=422)
    return redirect(url_for("console.broadcast_show", broadcast_id=new_id))


@bp.get("/broadcasts/<int:broadcast_id>")
@login_required
def broadcast_show(broadcast_id: int):
    rt = runtime()
    with db() as s:
        broadcast = s.get(Broadcast, broadcast_id)
        if broadcast is None:
            return render_template("console/error.html", message=tr()._("There is no broadcast number %(id)s.", id=broadcast_id)), 404
        if not _visible(s, broadcast):
            return forbidden()
        data = summary(s, broadcast, rt.clock.now())
        try:
            check_approver(s, broadcast, g.officer)
            may_approve = True
        except OfficerError as error:
            may_approve, why_not = False, str(error)
        else:
            why_not = None
        filters = broadcast.filters or {}
        unit_names = [name for (name,) in s.execute(select(Unit.name).where(Unit.code.in_(filters.get("units") or [])))]
        scope_name = s.get(Unit, filters["scope"]).name if filters.get("scope") else None
        names = dict(s.execute(select(Officer.id, Officer.full_name)).all())
        logins = dict(s.execute(select(Officer.id, Officer.username)).all())
        people = {key: (names.get(value) or logins.get(value)) for key, value in
                  (("author", broadcast.created_by), ("approver", broadcast.approved_by))}
        audit(s, "broadcast.view", broadcast=broadcast_id)
    return render_template("console/broadcast_show.html", b=broadcast, data=data, may_approve=may_approve,
                           why_not=why_not, unit_names=unit_names, scope_name=scope_name, people=people,
                           is_author=broadcast.created_by == g.officer.id, final=data["status"] in FINAL)


@bp.post("/broadcasts/<int:broadcast_id>/<any(approve, reject):decision>")
@login_required
def broadcast_decide(broadcast_id: int, decision: str):
    rt = runtime()
    t = tr()
    with db() as s:
        broadcast = s.get(Broadcast, broadcast_id)
        if broadcast is None:
            return render_template("console/error.html", message=t._("There is no broadcast number %(id)s.", id=broadcast_id)), 404
        try:
            if decision == "approve":
                queued = approve(s, broadcast, g.officer, rt.settings, rt.clock)
                flash(t._("Broadcast %(id)s approved: %(count)s messages queued.", id=broadcast_id, count=queued), "ok")
            else:
                reject(s, broadcast, g.officer, rt.clock)
                flash(t._("The broadcast will not be sent."), "ok")
        except OfficerError as error:
            s.rollback()
            flash(str(error), "error")
            audit(s, f"broadcast.{decision}_refused", broadcast=broadcast_id, reason=error.msgid)
    return redirect(url_for("console.broadcast_show", broadcast_id=broadcast_id))


@bp.get("/broadcasts/<int:broadcast_id>/status")
@login_required
def broadcast_status(broadcast_id: int):
    from console.labels import label

    with db() as s:
        broadcast = s.get(Broadcast, broadcast_id)
        if broadcast is None or not _visible(s, broadcast):
            return jsonify(status="unknown"), 404
        data = summary(s, broadcast, runtime().clock.now())
    data["status_label"] = label("broadcast_status", data["status"])
    data["final"] = data["status"] in FINAL
    return jsonify(data)
