"""What every command shares: a lazily built Runtime (so `ansinh --help` needs no database)."""
from __future__ import annotations

import click

from ansinh.runtime import Runtime
from core.settings import Settings


class CliState:
    def __init__(self):
        self._runtime: Runtime | None = None

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            self._runtime = Runtime(Settings.from_env())
        return self._runtime


pass_state = click.make_pass_decorator(CliState, ensure=True)
