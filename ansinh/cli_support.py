"""What every command shares: a lazily built Runtime (so `ansinh --help` needs no database), and
the refusal to hash national IDs with the public demo key outside the demo."""
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
