"""`ansinh demo`: migrate if needed, load Huế's demo province (idempotent) and print the demo
identities people can try the service with."""
from __future__ import annotations

import logging
from datetime import date

import click

from ansinh.cli_support import pass_state
from core.parts import RuntimeParts
from core.storage.db import transaction, upgrade
from core.i18n import Translator, translator
from core.storage.reference import seed_reference

logger = logging.getLogger(__name__)


def _parse_today(value: str | None) -> date | None:
    """The --today option; a wrong date ends the command with a Vietnamese message, exit code 2."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        click.echo(translator("vi")._("Write the date as YYYY-MM-DD, for example 2026-11-26."), err=True)
        raise SystemExit(2)


def echo_identities(t, months) -> None:
    from ansinh.demo import identity_cards

    click.echo(t._("Demo identities to try (write or call from these phones):"))
    for who in identity_cards(t, months):
        if who["code"]:
            click.echo("- " + t._("%(role)s: %(name)s, phone %(phone)s; beneficiary %(code)s, born %(birth)s",
                                  role=who["role"], name=who["name"], phone=who["phone"], code=who["code"],
                                  birth=who["birth"]))
        else:
            click.echo("- " + t._("%(role)s: phone %(phone)s", role=who["role"], phone=who["phone"]))
        click.echo("  " + who["try"])
    click.echo(t._("What to ask each of them: docs/DEMO.md."))


def echo_console_accounts(runtime: RuntimeParts, t: Translator) -> None:
    """The officers' console accounts of the demo (created when missing), with their password."""
    from core.officers.accounts import DEMO_PASSWORD, ensure_demo_officers

    with transaction(runtime.sessions) as session:
        accounts = ensure_demo_officers(session)
    # No host or port here: only `ansinh serve` knows where it listens, and prints the links itself.
    click.echo(t._("Officers' console, at /console/ of the web service (password %(password)s for every demo "
                   "account):", password=DEMO_PASSWORD))
    for username, role, unit in accounts:
        click.echo(f"- {username} ({role}, {unit})")


def register(main: click.Group) -> None:
    @main.command("demo", help="load the demo province (Huế, 40 units) and print the demo identities")
    @click.option("--today", "today_text", metavar="YYYY-MM-DD", help="the date the import counts as today")
    @click.option("--scale", type=click.FloatRange(0.005, 1.0), default=1.0, show_default=True,
                  help="a smaller province with the same ratios (for quick trials)")
    @click.option("--force", is_flag=True, help="import every row again even when the demo is already loaded")
    @pass_state
    def demo(state, today_text: str | None, scale: float, force: bool) -> None:
        from ansinh.demo import load_demo

        t = translator("vi")
        today = _parse_today(today_text)
        runtime = state.runtime_to_migrate
        upgrade(runtime.engine)
        with transaction(runtime.sessions) as session:
            seed_reference(session)
        from ansinh.demo import demo_months

        today = today or runtime.clock.today()
        summary = load_demo(runtime.sessions, today, scale=scale, force=force)
        people, payments, schedules = (summary.reports[k] for k in ("beneficiaries", "payments", "schedules"))
        click.echo(t._("Demo province of Huế loaded: %(units)s communes and wards, %(people)s beneficiaries, "
                       "%(payments)s monthly payments, %(schedules)s cash-payment days.",
                       units=t.number(summary.units), people=t.number(people.total),
                       payments=t.number(payments.total),
                       schedules=t.number(schedules.total)))
        click.echo(
            t._(
                "This run: %(created)s added, %(updated)s changed, %(unchanged)s already there.",
                created=t.number(sum(r.created for r in summary.reports.values())),
                updated=t.number(sum(r.updated for r in summary.reports.values()) + summary.units_updated),
                unchanged=t.number(sum(r.unchanged for r in summary.reports.values())),
            )
        )
        months = demo_months(today)
        click.echo(t._("Dated from %(today)s: results up to %(report)s (the month that reproduces the "
                       "province's report), %(coming)s waiting for payment.", today=t.date(today),
                       report=t.period(months.report), coming=t.period(months.coming)))
        echo_identities(t, months)
        echo_console_accounts(runtime, t)
