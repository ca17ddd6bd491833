"""`ansinh notifications`: delivery statistics and the daily run of reminders and receipt questions.

Importing this module (the CLI imports every command module) also registers the payment
notification listener with `core.imports.listeners`, so `ansinh import payments|schedules` queues
the messages in the import's own transaction.
"""
from __future__ import annotations

import json
import logging
import re
from datetime import date

import click

from ansinh.cli_support import CliState, pass_state
from core.i18n import translator

logger = logging.getLogger(__name__)
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_registered = False


class CliNotifier:
    """The import listener, built on first use from the running command's Runtime (its settings
    and clock), or from the environment when no command is running."""

    def __init__(self):
        self._notifier = None

    def __call__(self, session, events):
        from core.notify.events import NotifyOnImport

        context = click.get_current_context(silent=True)
        state = context.find_object(CliState) if context is not None else None
        if state is not None:
            runtime = state.runtime
            return NotifyOnImport(runtime.settings, runtime.clock)(session, events)
        if self._notifier is None:
            from core.clock import Clock
            from core.settings import Settings

            settings = Settings.from_env()
            self._notifier = NotifyOnImport(settings, Clock(settings.timezone))
        return self._notifier(session, events)


def register_import_listener() -> bool:
    """Register the notifier once per process; False while core.imports has no listener registry."""
    global _registered
    if _registered:
        return True
    try:
        from core.imports.listeners import register_listener
    except ImportError:
        logger.debug("core.imports.listeners not available: imports will not notify")
        return False
    register_listener(CliNotifier())
    _registered = True
    return True


def _period(ctx, param, value: str | None) -> str | None:
    if value is not None and not _PERIOD.match(value.strip()):
        raise click.BadParameter(
            translator("vi")._("The period must look like YYYY-MM, for example 2026-11.")
        )
    return value.strip() if value else None


def _day(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(translator("vi")._("The date must look like YYYY-MM-DD, for example "
                                                    "2026-11-26.")) from None


def register(main: click.Group) -> None:
    register_import_listener()

    @main.group(help="payment notifications: delivery statistics, reminders and receipt questions")
    def notifications() -> None:
        pass

    @notifications.command(help="queued/sent/delivered/failed/dead messages by channel")
    @click.option("--period", callback=_period,
                  help="YYYY-MM: a payment's period, else the month it was queued")
    @click.option("--kind", type=click.Choice(["reply", "otp", "notification", "broadcast"]),
                  help="only this kind")
    @click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
    @pass_state
    def stats(state, period: str | None, kind: str | None, as_json: bool) -> None:
        from core.notify.stats import delivery_stats, format_table

        runtime = state.runtime
        with runtime.sessions() as session:
            result = delivery_stats(session, period, runtime.settings.timezone, kind)
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False) if as_json else format_table(result))

    @notifications.command("run-scheduled",
                           help="queue the reminders and receipt questions due on a day (idempotent)")
    @click.option("--today", callback=_day, help="YYYY-MM-DD; default: today in ANSINH_TIMEZONE")
    @click.option("--json", "as_json", is_flag=True, help="print JSON")
    @pass_state
    def run_scheduled_command(state, today: date | None, as_json: bool) -> None:
        from core.notify.scheduled import run_scheduled

        runtime = state.runtime
        result = run_scheduled(runtime.sessions, runtime.settings, runtime.clock, today)
        if as_json:
            click.echo(json.dumps({"day": result.day.isoformat(), "reminders": result.reminders,
                                   "receipt_questions": result.receipt_questions}))
            return
        t = translator("vi")
        click.echo(
            t._(
                "%(day)s: %(reminders)s cash-day reminders and %(questions)s receipt questions queued.",
                day=t.date(result.day),
                reminders=result.reminders,
                questions=result.receipt_questions,
            )
        )
