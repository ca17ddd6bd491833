"""`ansinh indicators [--period YYYY-MM] [--unit CODE] [--json]`: the console's e-payment indicators
for scripts, from the same core function (core.reports.indicators.compute), opening on the same period
(the latest with results)."""
from __future__ import annotations

import json
import logging
import re

import click

from ansinh.cli_support import pass_state
from core.i18n import translator

logger = logging.getLogger(__name__)
_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _fail(message: str) -> None:
    click.echo(message, err=True)
    raise SystemExit(2)


def _unit_codes(session, code: str | None, t) -> tuple[list[str] | None, str]:
    """(the commune-level units counted, the scope's name): a province takes its units."""
    from sqlalchemy import select

    from core.models import Unit

    if code is None:
        return None, t._("All units")
    unit = session.get(Unit, code.strip())
    if unit is None:
        _fail(t._("There is no unit with code %(code)s. Give a commune, ward or province code, "
                  "for example 19786.", code=code))
    if unit.parent_code is None:
        return list(session.scalars(select(Unit.code).where(Unit.parent_code == unit.code))), unit.name
    return [unit.code], unit.name


def as_json(data) -> dict:
    total = data.total
    return {
        "period": data.period, "beneficiaries": total.beneficiaries, "with_account": total.with_account,
        "paid_via_account": total.paid_electronic, "units_total": data.units_total,
        "units_electronic": data.units_electronic, "former_units_total": data.former_units_total,
        "former_units_electronic": data.former_units_electronic,
        "providers": [{"name": row.label, "beneficiaries": row.beneficiaries,
                       "with_account": row.with_account, "paid_via_account": row.paid_electronic}
                      for row in data.by_provider],
    }


def _share(t, share: float) -> str:
    return t.number(round(share * 100, 2)) + "%"


def _human(t, data, scope: str) -> list[str]:
    total = data.total
    lines = [
        t._("E-payment indicators, %(period)s · %(scope)s", period=t.period(data.period), scope=scope),
        t._("Beneficiaries on the payee list: %(count)s", count=t.number(total.beneficiaries)),
        t._("With an account opened: %(count)s (%(share)s)", count=t.number(total.with_account),
            share=_share(t, total.account_share)),
        t._("Paid through an account: %(count)s (%(share)s)", count=t.number(total.paid_electronic),
            share=_share(t, total.paid_share)),
        t._("Units paying electronically: %(done)s/%(total)s (%(share)s)",
            done=t.number(data.units_electronic), total=t.number(data.units_total),
            share=_share(t, data.units_share)),
    ]
    if data.former_units_total:
        lines.append(t._("Communes before the 2025 merger paying electronically: %(done)s/%(total)s "
                         "(%(share)s)", done=t.number(data.former_units_electronic),
                         total=t.number(data.former_units_total), share=_share(t, data.former_units_share)))
    if data.by_provider:
        lines.append(t._("By payment provider:"))
    for row in data.by_provider:
        lines.append("- " + t._(
            "%(name)s: %(count)s beneficiaries, %(accounts)s with an account (%(account_share)s), "
            "%(paid)s paid through it (%(paid_share)s)", name=row.label, count=t.number(row.beneficiaries),
            accounts=t.number(row.with_account), account_share=_share(t, row.account_share),
            paid=t.number(row.paid_electronic), paid_share=_share(t, row.paid_share)))
    return lines


def register(main: click.Group) -> None:
    @main.command("indicators", help="the province's e-payment indicators (as the console shows them)")
    @click.option("--period", metavar="YYYY-MM", help="the period (default: the latest with payment results)")
    @click.option("--unit", "unit_code", metavar="CODE",
                  help="one commune, ward or province (default: every unit)")
    @click.option("--json", "as_json_output", is_flag=True, help="print JSON for scripts")
    @pass_state
    def indicators(state, period: str | None, unit_code: str | None, as_json_output: bool) -> None:
        from core.reports.indicators import compute, default_period

        t = translator("vi")
        if period is not None and not _PERIOD.fullmatch(period.strip()):
            _fail(t._("The period must look like YYYY-MM, for example 2026-11."))
        runtime = state.runtime
        with runtime.sessions() as session:
            codes, scope = _unit_codes(session, unit_code, t)
            current = runtime.clock.current_period()
            chosen = period.strip() if period else default_period(session, codes, current)
            data = compute(session, chosen, codes, no_provider=t._("No provider"))
        if as_json_output:
            click.echo(json.dumps(as_json(data), ensure_ascii=False, indent=2))
            return
        for line in _human(t, data, scope):
            click.echo(line)
