"""What every command shares: the settings and a lazily built Runtime (so `ansinh --help` needs no
database). `runtime` first checks that the database holds this code's schema, so a command run
from the wrong folder or before `ansinh db upgrade` says so in one line instead of failing later."""
from __future__ import annotations

import click

from ansinh.runtime import Runtime
from core.schema_status import require_schema
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
        """For commands that need the database: raises DatabaseNotReady (core.schema_status) first."""
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
