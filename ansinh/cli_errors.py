"""How a command that cannot run says so: one Vietnamese line from the catalogs, a non-zero exit
status, never a traceback. Click's own usage errors (English, with a usage banner) are reworded
here, as are a database without this code's schema and a malformed environment variable."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from core.i18n import translator
from core.storage.schema_status import DatabaseNotReady, SchemaStatus
from core.settings import SettingsError

USAGE_EXIT = 2  # as click: the command line itself was wrong
FAILURE_EXIT = 1


class CliFailure(click.ClickException):
    """A failure already worded for the person at the terminal: shown as it is, without "Error:"."""

    def __init__(self, message: str, exit_code: int = FAILURE_EXIT):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(self.message, err=True)


def database_line(error: DatabaseNotReady) -> str:
    t = translator("vi")
    if error.status is SchemaStatus.OUTDATED:
        return t._("the database is older than this version: run `ansinh db upgrade` (%(where)s)",
                   where=error.where)
    if error.status is SchemaStatus.UNREACHABLE:
        return t._("the database does not answer: check ANSINH_DATABASE_URL and the database server "
                   "(%(where)s)", where=error.where)
    return t._("no database yet: run `ansinh db upgrade` (%(where)s)", where=error.where)


def _param_name(param: click.Parameter | None) -> str:
    if param is None:
        return "?"
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name


def usage_line(error: click.UsageError) -> str:
    """Click's usage error in Vietnamese, with where to read the command's help."""
    t = translator("vi")
    help_hint = f"{error.ctx.command_path} --help" if error.ctx is not None else "ansinh --help"
    param = getattr(error, "param", None)
    name = _param_name(param)
    if isinstance(error, click.exceptions.NoSuchCommand):
        problem = t._("there is no such command")
    elif isinstance(error, click.NoSuchOption):
        problem = t._("there is no option %(option)s", option=error.option_name)
    elif isinstance(error, click.MissingParameter):
        problem = t._("%(param)s is missing", param=name)
    elif isinstance(error, click.BadOptionUsage):
        problem = t._("%(option)s needs a value", option=error.option_name)
    elif isinstance(error, click.BadParameter):
        problem = _bad_value(param, name, error.message)
    else:
        problem = t._("the command is not complete or has too much")
    return t._("%(problem)s: see `%(help)s`.", problem=problem, help=help_hint)


def _bad_value(param: click.Parameter | None, name: str, message: str) -> str:
    t = translator("vi")
    kind = param.type if param is not None else None
    if param is not None and param.callback is not None:
        return f"{name}: {message.rstrip('.')}"  # our own callbacks word their messages in Vietnamese
    if isinstance(kind, click.Choice):
        choices = ", ".join(map(str, kind.choices))
        return t._("%(param)s must be one of %(choices)s", param=name, choices=choices)
    if isinstance(kind, click.IntRange | click.FloatRange) and kind.min is not None and kind.max is not None:
        return t._("%(param)s must be a number from %(min)s to %(max)s", param=name, min=t.number(kind.min),
                   max=t.number(kind.max))
    if isinstance(kind, click.IntRange | click.FloatRange) and kind.min is not None:
        return t._("%(param)s must be a number of at least %(min)s", param=name, min=t.number(kind.min))
    if isinstance(kind, click.types.IntParamType | click.types.FloatParamType):
        return t._("%(param)s must be a number", param=name)
    if isinstance(kind, click.Path):
        return t._("%(param)s must be a file that can be used (not a folder)", param=name)
    return t._("the value of %(param)s is not valid", param=name)


@contextmanager
def vietnamese_failures() -> Iterator[None]:
    """Turn the failures a person can cause into CliFailure; anything else is a bug and stays loud."""
    try:
        yield
    except (CliFailure, click.exceptions.NoArgsIsHelpError):
        raise  # already worded; a group given no subcommand shows its help
    except click.UsageError as error:
        raise CliFailure(usage_line(error), USAGE_EXIT) from None
    except DatabaseNotReady as error:
        raise CliFailure(database_line(error)) from None
    except SettingsError as error:
        raise CliFailure(translator("vi")._("the environment variable %(name)s is not valid: «%(value)s»",
                                            name=error.name, value=error.value), USAGE_EXIT) from None
    except click.Abort:
        raise CliFailure(translator("vi")._("Cancelled.")) from None


class _KnowsItsContext:
    """Click's parser raises some usage errors without a context; give them this command's, so
    the line names the right `--help`."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:
            if error.ctx is None:
                error.ctx = self.context_class(self, info_name=info_name, parent=parent)
            raise


class VietnameseCommand(_KnowsItsContext, click.Command):
    pass


class VietnameseGroup(_KnowsItsContext, click.Group):
    """The `ansinh` group (and its subgroups): every subcommand parsed and run inside
    vietnamese_failures()."""

    command_class = VietnameseCommand
    group_class = type

    def make_context(self, *args, **kwargs) -> click.Context:
        with vietnamese_failures():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        with vietnamese_failures():
            return super().invoke(ctx)
