"""What every command shares: the settings and a lazily built Runtime (so `ansinh --help` needs no
database). `runtime` first checks that the database holds this code's schema, so a command run
from the wrong folder or before `ansinh db upgrade` says so in one line instead of failing later;
and the refusal to hash national IDs with the public demo key outside the demo."""
from __future__ import annotations

import click

from ansinh.runtime import Runtime
from core.storage.schema_status import require_schema
from core.settings import Settings


class CliState:
    def __init__(self):
        self._settings: Settings | None = None
        self._runtime: Runtime | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = self._runtime.settings if self._runtime is not None else Settings.from_env()
        return self._settings

    @property
    def runtime(self) -> Runtime:
        """For commands that need the database: raises DatabaseNotReady (core.storage.schema_status) first."""
        if self._runtime is None:
            require_schema(self.settings.database_url)
            self._runtime = Runtime(self.settings)
        return self._runtime

    @property
    def runtime_to_migrate(self) -> Runtime:
        """For the commands that create the schema (`db upgrade`, `demo`): no check."""
        if self._runtime is None:
            self._runtime = Runtime(self.settings)
        return self._runtime


pass_state = click.make_pass_decorator(CliState, ensure=True)


def require_identifier_key(state: CliState) -> None:
    """Stop a command that hashes national IDs or account numbers (serve, worker, import, person)
    when this is a deployment and ANSINH_IDENTIFIER_KEY is not set: with the public key a hash gives
    the ID back in a second. One line on stderr, exit status 2, no traceback."""
    from core.i18n import translator
    from core.imports.hashing import identifier_key_is_secret

    settings = state.runtime.settings
    if settings.is_demo or identifier_key_is_secret():
        return
    click.echo(translator("vi")._(
        "ANSINH_IDENTIFIER_KEY is not set (needed outside the demo: %(variable)s is set). Make a key with: "
        "python -c \"import secrets; print(secrets.token_hex(32))\" and put it in ANSINH_IDENTIFIER_KEY.",
        variable=settings.deployment[0]), err=True)
    raise SystemExit(2)
