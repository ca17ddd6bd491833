"""`ansinh officer create USERNAME --role commune|province [--unit CODE]`: a console account;
`ansinh officer password USERNAME`: a new password set by an administrator; `ansinh officer
disable|enable USERNAME`. A password is asked twice, or read from the first line of stdin with
--password-stdin. A new password and disabling end every console session of the account."""
from __future__ import annotations

import sys

import click

from ansinh.cli_support import pass_state
from core.privacy.audit import record_disclosure
from core.storage.db import transaction
from core.i18n import translator
from core.officers.accounts import N_, OfficerError, change_password, create_officer, find_officer, set_active


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(translator("vi")._("Password"), hide_input=True, confirmation_prompt=True)


def _change(state, username: str, action: str, change, done: str) -> None:
    """Apply `change(officer)` to an existing account in one transaction, with an audit row; say `done`."""
    try:
        with transaction(state.runtime.sessions) as session:
            officer = find_officer(session, username)
            if officer is None:
                raise OfficerError(N_("There is no officer account %(username)s."), username=username)
            change(officer)
            record_disclosure(session, "cli", action, None, "cli", {"username": officer.username})
    except OfficerError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(translator("vi")._(done, username=officer.username))


def register(main: click.Group) -> None:
    @main.group(help="officers' console accounts")
    def officer() -> None:
        pass

    @officer.command("create", help="create a console account (a commune officer needs --unit)")
    @click.argument("username")
    @click.option("--role", type=click.Choice(["commune", "province"]), required=True)
    @click.option("--unit", "unit_code", metavar="CODE",
                  help="official unit code: the commune/ward, or the province")
    @click.option("--full-name", default=None, help="the officer's full name, as shown in the console")
    @click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
    @pass_state
    def officer_create(state, username: str, role: str, unit_code: str | None, full_name: str | None,
                       password_stdin: bool) -> None:
        t = translator("vi")
        password = _password(password_stdin)
        try:
            with transaction(state.runtime.sessions) as session:
                account = create_officer(session, username, password, role, unit_code, full_name)
                name, where = account.username, account.unit_code or "*"
                record_disclosure(session, "cli", "officer.create", None, "cli",
                                  {"username": name, "role": role, "unit": where})
        except OfficerError as error:
            click.echo(str(error), err=True)
            sys.exit(1)
        click.echo(t._("Officer account %(username)s created (%(role)s, unit %(unit)s).",
                       username=name, role=role, unit=where))

    @officer.command("password", help="set a new password (every console session of the account ends)")
    @click.argument("username")
    @click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
    @pass_state
    def officer_password(state, username: str, password_stdin: bool) -> None:
        password = _password(password_stdin)
        _change(state, username, "officer.password", lambda officer: change_password(officer, password),
                N_("New password set for %(username)s; every session of the account has ended."))

    for name, active, help_text, done in (
        ("disable", False, "disable an account at once (every console session ends)",
         N_("Account %(username)s disabled; every session of the account has ended.")),
        ("enable", True, "enable a disabled account again (old sessions stay ended)",
         N_("Account %(username)s enabled again.")),
    ):
        officer.command(name,
                        help=help_text)(click.argument("username")(pass_state(_switch(name, active, done))))


def _switch(name: str, active: bool, done: str):
    """`ansinh officer disable|enable USERNAME`."""
    def switch(state, username: str) -> None:
        _change(state, username, f"officer.{name}", lambda officer: set_active(officer, active), done)

    switch.__name__ = f"officer_{name}"
    return switch
