"""`ansinh import beneficiaries|payments|schedules FILE`: load a commune officer's CSV, XLSX, XLS
or ODS file.

Prints the counts, why nothing was imported when nothing was (the wrong kind of file, a missing
column), one line per rejected cell and the warnings (unknown providers), in Vietnamese. Exit
status: 0 when every row was taken, 1 when any row was rejected or the file was refused (the good
rows are saved), 2 when the file cannot be read or saved at all (nothing is saved).
"""
from __future__ import annotations

import logging
from datetime import date, datetime

import click
from sqlalchemy.exc import SQLAlchemyError

from ansinh.cli_support import pass_state, require_identifier_key
from core.i18n import translator
from core.imports import KINDS, ImportFileError, ImportReport, import_file
from core.imports.listeners import registered_listeners

logger = logging.getLogger(__name__)

HELP = {
    "beneficiaries": "beneficiaries list (danh sách đối tượng)",
    "payments": "payment list or the provider's results for a period",
    "schedules": "cash-payment days and places per commune",
}


def _today(value: str | None, state) -> date:
    if value:
        return datetime.strptime(value, "%Y-%m-%d").date()
    return state.runtime.clock.today()


def echo_report(report: ImportReport) -> None:
    t = translator("vi")
    click.echo(t._(
        "Rows: %(total)s · new: %(created)s · updated: %(updated)s · unchanged: %(unchanged)s · rejected: "
        "%(rejected)s",
        total=report.total, created=report.created, updated=report.updated, unchanged=report.unchanged,
        rejected=report.rejected,
    ))
    outcome, headline = report.headline(t)
    if outcome == "error":  # nothing was imported: say why before the rows
        click.echo(headline)
    if report.errors:
        click.echo(t._("Errors (%(count)s):", count=len(report.errors)))
        for error in report.errors:
            click.echo(error.line(t))
    if report.unlisted_rows:
        click.echo(t._("… and %(count)s more rejected rows, not listed: fix the rows above and import the "
                       "file again "
                       "to see them.", count=report.unlisted_rows))
    warnings = report.warnings(t)
    if warnings:
        click.echo(t._("Warnings (these rows were imported as written):"))
        for line in warnings:
            click.echo(line)


def run_import(state, kind: str, path: str, today: str | None) -> None:
    require_identifier_key(state)
    t = translator("vi")
    try:
        report = import_file(state.runtime.sessions, kind, path, today=_today(today, state),
                             listeners=registered_listeners())
    except ImportFileError as problem:
        click.echo(str(problem), err=True)
        raise SystemExit(2) from None
    except SQLAlchemyError:
        logger.exception("import of %s failed", kind)
        click.echo(t._("The import failed and nothing was saved: the database reported an error."), err=True)
        raise SystemExit(2) from None
    echo_report(report)
    if report.rejected or report.refusal:
        raise SystemExit(1)


def _command(kind: str):
    @click.argument("file", type=click.Path(dir_okay=False))
    @click.option("--today", metavar="YYYY-MM-DD", callback=_check_date,
                  help="the date the import is for (default: today)")
    @pass_state
    def command(state, file: str, today: str | None) -> None:
        run_import(state, kind, file, today)

    return command


def register(main: click.Group) -> None:
    @main.group("import", help="import a commune officer's CSV, XLSX, XLS or ODS file")
    def import_group() -> None:
        pass

    for kind in KINDS:
        import_group.command(kind, help=HELP[kind])(_command(kind))


def _check_date(_ctx, _param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        message = translator("vi")._("Write the date as YYYY-MM-DD, for example 2026-11-26.")
        raise click.BadParameter(message) from None
    return value
