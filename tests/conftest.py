"""Shared fixtures. The database is SQLite in a temporary folder unless ANSINH_TEST_DATABASE_URL
points at PostgreSQL (CI does both). Migrations run once per session; each test starts from
empty tables with the reference data loaded."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Integer, select, text

from ansinh.runtime import Runtime
from core.clock import FakeClock
from core.models import Base
from core.settings import Settings
from core.storage.db import make_engine, make_session_factory, transaction, upgrade
from core.storage.reference import seed_reference
from tests.support.console_support import THUAN_HOA, make_officer
from tests.support.ussd_factories import USSD_SECRET

CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
TODAY = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
PG_URL = os.environ.get("ANSINH_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("ANSINH_TEST_REDIS_URL")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if PG_URL:
        return PG_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'ansinh.db'}"


@pytest.fixture(scope="session")
def database_url_for_run(database_url) -> str:
    """On PostgreSQL each test run gets its own schema, so parallel runs cannot collide."""
    if not database_url.startswith("postgresql"):
        yield database_url
        return
    schema = f"t_{os.getpid()}"
    admin = make_engine(database_url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"))
    admin.dispose()
    separator = "&" if "?" in database_url else "?"
    yield f"{database_url}{separator}options=-csearch_path%3D{schema}"
    admin = make_engine(database_url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url_for_run):
    engine = make_engine(database_url_for_run)
    upgrade(engine)
    yield engine
    engine.dispose()


def _empty_tables(engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f"DELETE FROM {name}"))


def _advance_sequence(connection, table) -> None:
    """On PostgreSQL, rows inserted with their ids leave the id sequence behind them: move it on."""
    key = list(table.primary_key.columns)
    if connection.dialect.name != "postgresql" or len(key) != 1 or not isinstance(key[0].type, Integer):
        return
    connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key[0].name}'), "
                            f"(SELECT max({key[0].name}) FROM {table.name}))"))


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch) -> None:
    """Argon2 at its smallest in the test process: these tests check who may sign in, not what a
    hash costs (tests/unit/test_password_hashing.py checks the real parameters); the default costs
    a quarter of a CPU second per hash and the console tests hash hundreds of times."""
    import core.officers.accounts

    monkeypatch.setattr(core.officers.accounts, "_hasher", CHEAP_HASHER)


@pytest.fixture
def settings(database_url_for_run, tmp_path) -> Settings:
    return Settings(
        database_url=database_url_for_run,
        sms_spool_dir=str(tmp_path / "sms-spool"),
        secret_key="test-secret",
        public_url="http://testserver",
        quiet_hours="off",
        twilio_account_sid="AC" + "0" * 32,
        twilio_auth_token="test-token",
        twilio_from="+15005550006",
        ussd_secret=USSD_SECRET,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(TODAY)


@pytest.fixture(scope="session")
def reference_rows(engine) -> list[tuple]:
    """The reference data (Vietnam's units, programmes, categories, levels) as seed_reference leaves
    it, read once: seeding through the ORM for every test cost more than most tests themselves."""
    _empty_tables(engine)
    with transaction(make_session_factory(engine)) as session:
        seed_reference(session)
    with engine.connect() as connection:
        rows = [(table, [dict(row._mapping) for row in connection.execute(select(table))])
                for table in Base.metadata.sorted_tables]
    # a unit's parent (its province) goes in before the unit
    return [(table, sorted(found, key=lambda row: row.get("parent_code") is not None))
            for table, found in rows if found]


@pytest.fixture
def sessions(engine, reference_rows):
    """A session factory over freshly emptied tables holding the reference data."""
    _empty_tables(engine)
    with engine.begin() as connection:
        for table, rows in reference_rows:
            connection.execute(table.insert(), rows)
            _advance_sequence(connection, table)
    return make_session_factory(engine)


@pytest.fixture
def session(sessions):
    with sessions() as s:
        yield s


@pytest.fixture
def runtime(settings, clock, engine, sessions) -> Runtime:
    app_runtime = Runtime(settings, clock)
    app_runtime.__dict__["engine"] = engine  # share the session's engine instead of opening another
    app_runtime.__dict__["sessions"] = sessions
    yield app_runtime
    # Telegram's keeps an event loop and a pool
    for sender in app_runtime.__dict__.get("senders", {}).values():
        if hasattr(sender, "close"):
            sender.close()


@pytest.fixture
def app(runtime):
    from ansinh import create_app

    app = create_app(runtime.settings, runtime=runtime)
    app.config.update(TESTING=True)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def full_demo():
    """The whole demo province as generated for the committed sample's day (2026-11-26), made once
    per run for the tests that need it at full size."""
    from ansinh.demo import generate

    return generate(today=TODAY.date())


@pytest.fixture
def cli(runtime):
    """`ansinh …` in this process, on the test's runtime (its database and clock)."""
    from click.testing import CliRunner

    from ansinh.cli import main
    from ansinh.cli_support import CliState

    state = CliState()
    state._runtime = runtime

    def invoke(*args, stdin: str | None = None):
        return CliRunner().invoke(main, [str(a) for a in args], obj=state, input=stdin)

    return invoke


@pytest.fixture
def officers(sessions):
    """One commune officer, `lan` of Thuận Hóa, with the password PASSWORD (a test may define its own)."""
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
    return sessions


@pytest.fixture
def data_dir() -> Path:
    return Path(__file__).parent / "data"


def pytest_terminal_summary(terminalreporter):
    """Print how many generated requests the fuzz tests sent, per route and per status class,
    and how many generated files the import fuzz tests imported, per path and outcome."""
    from tests.support.fuzz_support import FILES, REQUESTS, STATUSES

    if REQUESTS:
        terminalreporter.write_sep("-", f"fuzzing: {sum(REQUESTS.values())} generated requests")
        for route, count in sorted(REQUESTS.items()):
            terminalreporter.write_line(f"  {route}: {count}")
        terminalreporter.write_line("  statuses: " + ", ".join(f"{k} {v}" for k,
                                                               v in sorted(STATUSES.items())))
    if FILES:
        terminalreporter.write_sep("-", f"import fuzzing: {sum(FILES.values())} generated files")
        for path in sorted({p for p, _ in FILES}):
            outcomes = ", ".join(f"{o} {n}" for (p, o), n in sorted(FILES.items()) if p == path)
            terminalreporter.write_line(f"  {path}: {sum(n for (p, _), n in FILES.items() if p == path)} "
                                        f"({outcomes})")
