"""`ansinh db upgrade`: apply Alembic migrations."""
from __future__ import annotations

import click

from ansinh.cli_support import pass_state
from core.db import transaction, upgrade
from core.reference import seed_reference


def register(main: click.Group) -> None:
    @main.group(help="database schema")
    def db() -> None:
        pass

    @db.command("upgrade", help="apply migrations (Alembic)")
    @click.argument("revision", default="head")
    @pass_state
    def db_upgrade(state, revision: str) -> None:
        runtime = state.runtime
        upgrade(runtime.engine, revision)
        with transaction(runtime.sessions) as session:
            seed_reference(session)
        click.echo(f"database at {revision}; reference data loaded")
