"""`ansinh officer create USERNAME --role commune|province [--unit CODE]`: a console account.
The password is asked twice, or read from the first line of stdin with --password-stdin."""
from __future__ import annotations

import sys

import click

from ansinh.cli_support import pass_state
from core.audit import record_disclosure
from core.db import transaction
from core.i18n import translator
from core.officers import OfficerError, create_officer


def register(main: click.Group) -> None:
    @main.group(help="officers' console accounts")
    def officer() -> None:
        pass

    @officer.command("create", help="create a console account (a commune officer needs --unit)")
    @click.argument("username")
    @click.option("--role", type=click.Choice(["commune", "province"]), required=True)
    @click.option("--unit", "unit_code", metavar="CODE", help="official unit code: the commune/ward, or the province")
    @click.option("--full-name", default=None, help="the officer's full name, as shown in the console")
    @click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
    @pass_state
    def officer_create(state, username: str, role: str, unit_code: str | None, full_name: str | None,
                       password_stdin: bool) -> None:
        t = translator("vi")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt(t._("Password"), hide_input=True, confirmation_prompt=True)
        try:
            with transaction(state.runtime.sessions) as session:
                account = create_officer(session, username, password, role, unit_code, full_name)
                name, where = account.username, account.unit_code or "*"
                record_disclosure(session, "cli", "officer.create", None, "cli", {"username": name, "role": role, "unit": where})
        except OfficerError as error:
            click.echo(str(error), err=True)
            sys.exit(1)
        click.echo(t._("Officer account %(username)s created (%(role)s, unit %(unit)s).",
                       username=name, role=role, unit=where))
