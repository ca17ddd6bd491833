"""The `ansinh` command. Each group of commands lives in ansinh/commands/<name>.py and exposes
`register(main)`; they share one Runtime built from the environment."""
from __future__ import annotations

import importlib
import pkgutil

import click

from ansinh import commands
from ansinh.cli_errors import VietnameseGroup
from ansinh.cli_support import CliState
from ansinh.logs import configure as configure_logging


@click.group(cls=VietnameseGroup, help="AnSinh: social-assistance payments, answered in plain Vietnamese.")
@click.option("-v", "--verbose", is_flag=True, help="log at INFO level")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    configure_logging(verbose)
    ctx.ensure_object(CliState)


for _info in pkgutil.iter_modules(commands.__path__):
    importlib.import_module(f"ansinh.commands.{_info.name}").register(main)
