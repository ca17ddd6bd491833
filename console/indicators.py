"""The province's e-payment indicators for a chosen period, live from the database, with a bar
chart per unit, the trend over periods, and CSV/XLSX export."""
from __future__ import annotations

import re

from flask import Response, g, render_template, request

from console.charts import trend_line, unit_bars
from console.exports import indicator_rows, to_csv, to_xlsx
from console.web import audit, bp, db, login_required, not_found_page, runtime, scope_codes, tr
from core.reports.indicators import compute, default_period, periods, trend
from core.models import Unit

_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _load(s, requested: str | None):
    codes = scope_codes(s)
    known = periods(s, codes)
    current = runtime().clock.current_period()
    if requested and _PERIOD.fullmatch(requested):
        period = requested
    else:  # the latest month with results, not one where nothing is paid yet
        period = default_period(s, codes, current)
    t = tr()
    data = compute(s, period, codes, no_provider=t._("No provider"))
    if g.officer.role == "commune" or g.officer.unit_code:
        unit = s.get(Unit, g.officer.unit_code)
        scope_label = unit.name if unit else g.officer.unit_code
    else:
        scope_label = t._("All units")
    return period, sorted(set(known) | {period}), data, trend(s, codes), scope_label


@bp.get("/indicators")
@login_required
def indicators():
    t = tr()
    with db() as s:
        period, known, data, points, scope_label = _load(s, request.args.get("period"))
        audit(s, "indicators.view", period=period)
    bars = unit_bars([(r.label, r.paid_share, r.account_share) for r in data.by_unit],
                     t._("Paid through an account"), t._("With an account"))
    line = trend_line([(t.period(p.period), p.paid_share) for p in points],
                      t._("Paid through an account, by period"))
    return render_template("console/indicators.html", period=period, periods=known, data=data, bars=bars,
                           line=line, points=points, scope_label=scope_label)


@bp.get("/indicators.<fmt>")
@login_required
def indicators_export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        return not_found_page(tr()._("This page does not exist."))
    t = tr()
    with db() as s:
        period, _, data, _, scope_label = _load(s, request.args.get("period"))
        audit(s, "indicators.export", period=period, format=fmt)
    header, rows = indicator_rows(data, t, scope_label)
    name = f"chi-so-{period}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(to_csv(header, rows), mimetype="text/csv; charset=utf-8", headers=disposition)
    body = to_xlsx(header, rows, t._("Indicators %(period)s", period=t.period(period)).replace("/", "-"))
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers=disposition)
