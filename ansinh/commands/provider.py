"""`ansinh provider list` and `ansinh provider alias NAME PROVIDER`: the names officers write for
each payment provider (core/imports/providers.py). An alias also renames the providers already stored
under that name, so the indicators count them under their one name at once."""
from __future__ import annotations

import click
from sqlalchemy import select

from ansinh.cli_support import pass_state
from core.storage.db import transaction
from core.i18n import translator
from core.models import ProviderAlias
from core.imports.providers import rename_stored, set_alias


def register(main: click.Group) -> None:
    @main.group("provider", help="payment providers' names as officers write them")
    def provider_group() -> None:
        pass

    @provider_group.command("list", help="each provider with the names that mean it")
    @pass_state
    def list_names(state) -> None:
        with state.runtime.sessions() as session:
            rows = session.execute(select(ProviderAlias.provider, ProviderAlias.written)
                                   .order_by(ProviderAlias.provider, ProviderAlias.written)).all()
        names: dict[str, list[str]] = {}
        for provider, written in rows:
            names.setdefault(provider, [])
            if written != provider:
                names[provider].append(written)
        for provider, written in names.items():
            click.echo(f"{provider}: {', '.join(written)}" if written else provider)

    @provider_group.command("alias", help="make NAME (as officers write it) mean PROVIDER from now on")
    @click.argument("name")
    @click.argument("provider")
    @pass_state
    def alias(state, name: str, provider: str) -> None:
        t = translator("vi")
        try:
            with transaction(state.runtime.sessions) as session:
                provider, new = set_alias(session, name, provider)
                renamed = rename_stored(session)
        except ValueError:
            click.echo(t._("A provider's name needs at least one letter or digit."), err=True)
            raise SystemExit(2) from None
        if new:
            click.echo(t._("%(provider)s is a new payment provider.", provider=provider))
        click.echo(t._("«%(name)s» now means %(provider)s; %(count)s stored names were changed to it.",
                       name=" ".join(name.split()), provider=provider, count=renamed))
