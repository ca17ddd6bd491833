"""`ansinh db upgrade`: apply Alembic migrations."""
from __future__ import annotations

import click

from ansinh.cli_errors import CliFailure
from ansinh.cli_support import pass_state
from core.storage.db import transaction, upgrade
from core.i18n import translator
from core.storage.reference import seed_reference


def register(main: click.Group) -> None:
    @main.group(help="database schema")
    def db() -> None:
        pass

    @db.command("upgrade", help="apply migrations (Alembic)")
    @click.argument("revision", default="head")
    @pass_state
    def db_upgrade(state, revision: str) -> None:
        from alembic.util import CommandError

        runtime = state.runtime_to_migrate
        try:
            upgrade(runtime.engine, revision)
        except CommandError:
            message = translator("vi")._("There is no migration %(revision)s.", revision=revision)
            raise CliFailure(message) from None
        with transaction(runtime.sessions) as session:
            seed_reference(session)
        click.echo(translator("vi")._("Database at %(revision)s; reference data loaded.", revision=revision))
