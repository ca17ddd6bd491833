"""Every command that needs the database, run as a newcomer would from another folder (no database
there yet): one Vietnamese line telling them to run `ansinh db upgrade`, exit status 1, no
traceback, and no empty SQLite file left behind. `serve` says it before it binds."""
from __future__ import annotations

import os
import subprocess
import uuid

import click
import pytest
from sqlalchemy import text

from ansinh.cli import main
from core.storage.db import make_engine, upgrade
from tests.conftest import PG_URL
from tests.support.processes import free_port
from tests.support.ussd_factories import ansinh_command

pytestmark = pytest.mark.slow  # starts processes

NO_DATABASE_LINE = "chưa có cơ sở dữ liệu: chạy `ansinh db upgrade`"
OUTDATED_LINE = "cơ sở dữ liệu cũ hơn phiên bản này: chạy `ansinh db upgrade`"

# Commands that create the schema themselves, or never touch the database.
WITHOUT_DATABASE = {"db upgrade", "demo", "nlu"}


# Arguments that get each command past its own checks to the point where it needs the database.
NEEDS_DATABASE = {
    "ask": ["--from", "0978451203", "TC"],
    "serve": ["--port", "{port}"],
    "worker": ["--once"],
    "import beneficiaries": ["ds.csv"],
    "import payments": ["kq.csv"],
    "import schedules": ["lich.csv"],
    "notifications stats": [],
    "notifications run-scheduled": [],
    "officer create": ["canbo.moi", "--role", "province", "--password-stdin"],
    "officer password": ["canbo.moi", "--password-stdin"],  # these and the provider commands: other branches
    "officer disable": ["canbo.moi"],
    "officer enable": ["canbo.moi"],
    "provider list": [],
    "provider alias": ["Viettel", "Viettel Money"],
    "person export": ["BT4600001"],
    "person erase": ["BT4600001", "--yes"],
    "person allow-reimport": ["BT4600001"],
    "broadcast create": ["--as", "tinh.admin", "--text", "Chi tra ngay 05/12"],
    "broadcast approve": ["1", "--as", "tinh.duyet"],
    "broadcast show": ["1"],
    "bot telegram": ["--polling"],
    "indicators": [],
    "smpp": [],
}


def _leaf_commands(group: click.Group, prefix: str = "") -> set[str]:
    names = set()
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        names |= _leaf_commands(command, path + " ") if isinstance(command, click.Group) else {path}
    return names


COMMANDS = _leaf_commands(main)


def _env(command: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ANSINH_", "TWILIO_", "TELEGRAM_", "ZALO_"))}
    if command == "bot telegram":
        env["TELEGRAM_BOT_TOKEN"] = "123456:test-token"  # so that it gets as far as the database
        env["ANSINH_IDENTIFIER_KEY"] = "test-identifier-key"  # a provider's token makes it no demo
    if command == "smpp":  # a bind to make, so that it gets as far as the database
        env.update(SMPP_HOST="127.0.0.1", SMPP_PORT="1", SMPP_SYSTEM_ID="ansinh", SMPP_PASSWORD="secret")
    env.update(extra)
    return env


def _run(command: str, cwd, **env: str) -> subprocess.CompletedProcess:
    args = [arg.format(port=free_port()) for arg in NEEDS_DATABASE[command]]
    return subprocess.run(ansinh_command(*command.split(), *args), cwd=cwd, env=_env(command, **env),
                          input="mat-khau-dai-1\n", capture_output=True, text=True, timeout=120, check=False)


def _assert_one_line(done: subprocess.CompletedProcess, line: str) -> None:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(line), done.stderr
    assert "Traceback" not in done.stderr


def test_every_command_of_the_cli_is_listed_here():
    """A new command must say whether it needs the database (and then be tested below)."""
    unlisted = COMMANDS - set(NEEDS_DATABASE) - WITHOUT_DATABASE
    assert not unlisted, unlisted


@pytest.mark.parametrize("command", sorted(NEEDS_DATABASE))
def test_from_another_folder_each_command_says_run_db_upgrade(command, tmp_path):
    if command not in COMMANDS:
        pytest.skip(f"`ansinh {command}` is not on this branch yet")
    done = _run(command, tmp_path)
    _assert_one_line(done, NO_DATABASE_LINE)
    assert str(tmp_path / "instance" / "ansinh.db") in done.stderr  # which database it looked for
    assert list(tmp_path.iterdir()) == []  # no empty database, no instance/ folder


@pytest.mark.parametrize("command", ["ask", "serve", "worker"])
def test_a_database_without_the_schema(command, tmp_path):
    """An empty SQLite file (left by an older version) or an empty PostgreSQL schema."""
    if PG_URL:
        schema = f"empty_{uuid.uuid4().hex[:10]}"
        admin = make_engine(PG_URL)
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    else:
        (tmp_path / "empty.db").touch()
        url = f"sqlite:///{tmp_path / 'empty.db'}"
    try:
        _assert_one_line(_run(command, tmp_path, ANSINH_DATABASE_URL=url), NO_DATABASE_LINE)
    finally:
        if PG_URL:
            with admin.begin() as connection:
                tables = connection.execute(text("SELECT count(*) FROM information_schema.tables "
                                                 "WHERE table_schema = :s"), {"s": schema}).scalar()
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
            assert tables == 0


def test_a_database_behind_this_codes_migrations(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0006")
    _assert_one_line(_run("ask", tmp_path, ANSINH_DATABASE_URL=url), OUTDATED_LINE)
