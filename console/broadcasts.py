"""Broadcasts in the console: compose with audience filters and fields, preview per channel with
encoding, characters and SMS segments, schedule, approve (a second officer), and watch delivery
live. The rules are core.broadcasts.lifecycle's, the same as `ansinh broadcast`."""
from __future__ import annotations

import re
from datetime import datetime, time

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from console.web import audit, bp, db, forbidden, login_required, not_found_page, runtime, tr
from core.broadcasts.lifecycle import (
    approve,
    check_approver,
    covers,
    create_broadcast,
    make_filters,
    preview,
    reject,
    summary,
)
from core.broadcasts.samples import held_until, samples
from core.broadcasts.template import FIELDS
from core.imports.problems import BadValue
from core.imports.values import parse_date, parse_period
from core.models import Broadcast, Category, Officer, Unit
from core.models.payments import PAYMENT_STATUSES
from core.models.people import CHANNELS, METHODS
from core.officers.accounts import N_, OfficerError, scope_unit_codes, scope_units

FINAL = ("done", "rejected", "cancelled")
_TIME = re.compile(r"(\d{1,2})\s*(?:[:h]\s*(\d{2})?)?")


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
        rows = [
            b for b in s.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(300)) if _visible(s, b)
        ][:100]
        authors = {id_: full_name or username for id_, username, full_name
                   in s.execute(select(Officer.id, Officer.username, Officer.full_name))}
    return render_template("console/broadcasts.html", rows=rows, authors=authors)


def _form_values() -> dict:
    form = request.form
    return {"text": form.get("text", ""), "units": form.getlist("units"),
            "categories": form.getlist("categories"),
            "method": form.get("method") or None, "status": form.get("status") or None,
            "period": form.get("period") or None, "channel": form.get("channel") or None,
            "send_date": form.get("send_date") or "", "send_time": form.get("send_time") or ""}


def _period(values: dict) -> str | None:
    """The period as typed (12/2026, T12/2026 or 2026-12) -> '2026-12'."""
    typed = (values["period"] or "").strip()
    if not typed:
        return None
    try:
        return parse_period(typed)
    except BadValue:
        raise OfficerError(N_("Write the period as MM/YYYY, for example 12/2026.")) from None


def _scheduled(values: dict):
    """The sending time typed as dd/mm/yyyy and HH:MM (07:30 or 7h30), in the province's time zone."""
    if not values["send_date"].strip():
        return None
    try:
        day = parse_date(values["send_date"])
    except BadValue:
        raise OfficerError(N_("Write the date as dd/mm/yyyy, for example 01/12/2026.")) from None
    match = _TIME.fullmatch((values["send_time"] or "08:00").strip().lower())
    if match is None or int(match.group(1)) > 23 or int(match.group(2) or 0) > 59:
        raise OfficerError(N_("Write the time as HH:MM, for example 07:30."))
    at = time(int(match.group(1)), int(match.group(2) or 0))
    return datetime.combine(day, at, tzinfo=runtime().clock.tz)


def _compose_page(s, values: dict, shown=None, status_code: int = 200, held: str | None = None):
    units = scope_units(s, g.officer)
    if len(units) > 200:  # a national administrator: offer the units that have beneficiaries
        from core.models import Beneficiary

        used = set(s.scalars(select(Beneficiary.unit_code).distinct()))
        units = [u for u in units if u.code in used]
    categories = list(s.scalars(select(Category).order_by(Category.programme_code.desc(), Category.code)))
    return render_template("console/broadcast_new.html", values=values, units=units, categories=categories,
                           methods=METHODS, statuses=PAYMENT_STATUSES, channels=CHANNELS, fields=FIELDS,
                           preview=shown, held=held), status_code


@bp.route("/broadcasts/new", methods=["GET", "POST"])
@login_required
def broadcast_new():
    app_runtime = runtime()
    values = _form_values() if request.method == "POST" else {
        "text": "", "units": [], "categories": [], "method": None, "status": None, "period": None,
        "channel": None,
        "send_date": "", "send_time": ""}
    with db() as s:
        if request.method == "GET":
            return _compose_page(s, values)
        try:
            filters = make_filters(s, g.officer, app_runtime.clock, units=values["units"],
                                   categories=values["categories"],
                                   method=values["method"], status=values["status"], period=_period(values),
                                   channel=values["channel"])
            scheduled = _scheduled(values)
            if request.form.get("action") == "create":
                created = create_broadcast(s, g.officer, values["text"], filters, app_runtime.clock,
                                           scheduled)
                flash(tr()._("Broadcast created for %(count)s people; it waits for another officer's "
                             "approval.",
                             count=tr().number(created.recipients)), "ok")
                new_id = created.id
            else:
                shown = preview(s, app_runtime.settings, app_runtime.clock, values["text"], filters)
                audit(s, "broadcast.preview", recipients=shown.recipients)
                held = held_until(app_runtime.settings, app_runtime.clock, scheduled)
                held = _held_note(held, if_approved_now=scheduled is None)
                return _compose_page(s, values, shown, held=held)
        except OfficerError as error:
            flash(str(error), "error")
            return _compose_page(s, values, status_code=422)
    return redirect(url_for("console.broadcast_show", broadcast_id=new_id))


@bp.get("/broadcasts/<int:broadcast_id>")
@login_required
def broadcast_show(broadcast_id: int):
    app_runtime = runtime()
    with db() as s:
        broadcast = s.get(Broadcast, broadcast_id)
        if broadcast is None:
            return not_found_page(tr()._("There is no broadcast number %(id)s.", id=broadcast_id))
        if not _visible(s, broadcast):
            return forbidden()
        data = summary(s, broadcast, app_runtime.clock.now())
        try:
            check_approver(s, broadcast, g.officer)
            may_approve = True
        except OfficerError as error:
            may_approve, why_not = False, str(error)
        else:
            why_not = None
        filters = broadcast.filters or {}
        unit_names = [
            name for (name,) in s.execute(select(Unit.name).where(Unit.code.in_(filters.get("units") or [])))
        ]
        scope_name = s.get(Unit, filters["scope"]).name if filters.get("scope") else None
        names = dict(s.execute(select(Officer.id, Officer.full_name)).all())
        logins = dict(s.execute(select(Officer.id, Officer.username)).all())
        people = {key: (names.get(value) or logins.get(value)) for key, value in
                  (("author", broadcast.created_by), ("approver", broadcast.approved_by))}
        chosen = filters.get("categories") or []
        categories = list(s.scalars(select(Category.name).where(Category.code.in_(chosen))))
        pending = broadcast.status == "pending_approval"
        shown = samples(s, app_runtime.settings, app_runtime.clock, broadcast.text,
                        filters) if pending else []
        held = None if data["status"] in FINAL else held_until(app_runtime.settings, app_runtime.clock,
                                                               broadcast.scheduled_at)
        audit(s, "broadcast.view", broadcast=broadcast_id)
    return render_template("console/broadcast_show.html", b=broadcast, data=data, may_approve=may_approve,
                           why_not=why_not, unit_names=unit_names, scope_name=scope_name, people=people,
                           categories=categories, samples=shown,
                           held=_held_note(held, if_approved_now=pending and not broadcast.scheduled_at),
                           is_author=broadcast.created_by == g.officer.id, final=data["status"] in FINAL)


def _held_note(held: datetime | None, if_approved_now: bool) -> str | None:
    """'Nếu duyệt bây giờ, sẽ gửi từ 07:00 ngày 08/12 do giờ yên tĩnh (21:00–07:00).'"""
    if held is None:
        return None
    t = tr()
    values = {"time": held.strftime("%H:%M"), "date": held.strftime("%d/%m"),
              "hours": runtime().settings.quiet_hours.replace("-", "–")}
    if if_approved_now:
        return t._("If approved now, it will be sent from %(time)s on %(date)s "
                   "because of quiet hours (%(hours)s).", **values)
    return t._("It will be sent from %(time)s on %(date)s because of quiet hours (%(hours)s).", **values)


@bp.post("/broadcasts/<int:broadcast_id>/<any(approve, reject):decision>")
@login_required
def broadcast_decide(broadcast_id: int, decision: str):
    app_runtime = runtime()
    t = tr()
    with db() as s:
        broadcast = s.get(Broadcast, broadcast_id)
        if broadcast is None:
            return not_found_page(t._("There is no broadcast number %(id)s.", id=broadcast_id))
        try:
            if decision == "approve":
                queued = approve(s, broadcast, g.officer, app_runtime.settings, app_runtime.clock)
                flash(t._("Broadcast %(id)s approved: %(count)s messages queued.", id=broadcast_id,
                          count=t.number(queued)), "ok")
            else:
                reject(s, broadcast, g.officer, app_runtime.clock)
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
