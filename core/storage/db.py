"""One engine per process, sized for the deployment; sessions; migrations through Alembic.

SQLite gets WAL, a busy timeout, foreign keys and writers that queue on a lock instead of polling
(core.storage.sqlite_writes). PostgreSQL gets a pool without pre-ping: a ping is one more round trip on
every request, which webhooks pay on every turn. A restarted database is noticed instead by the
first statement that fails on a dead connection; SQLAlchemy then refreshes the whole pool, and
the webhook turns (`retry_on_stale_connection`) run once more on a fresh connection.
"""
from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.storage.sqlite_writes import LockingConnection, write_lock_for

logger = logging.getLogger(__name__)
T = TypeVar("T")
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 20, echo: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        on_disk = bool(database) and database != ":memory:"
        # Last in, first out: each SQLite connection has its own page cache, emptied whenever another
        # connection has written; handing back the connection used last keeps one cache warm
        # instead of request threads taking turns on cold ones (BENCHMARKS.md).
        pool = {"pool_size": pool_size, "max_overflow": max_overflow,
                "pool_use_lifo": True} if on_disk else {}
        engine = create_engine(url, echo=echo, **pool,
                               connect_args={"timeout": 15, "check_same_thread": False,
                                             "factory": LockingConnection})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # Writers queue on it, not in SQLite's sleeping busy handler. Looked up per connection,
            # by file and process, so a connection opened after a fork never shares its parent's flock.
            dbapi_connection.write_lock = write_lock_for(database) if on_disk else None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=15000")
            # Reads straight from the mapped file: after another connection's commit empties this
            # one's page cache, nothing is copied back in.
            cursor.execute("PRAGMA mmap_size=268435456")
            cursor.close()

        return engine
    return create_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_recycle=1800,
        connect_args={"connect_timeout": 3} if parsed.get_backend_name() == "postgresql" else {},
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions of one engine, sharing a short-lived cache of reference data
    (core.storage.reference_cache)."""
    from core.storage.reference_cache import attach

    factory = sessionmaker(engine, expire_on_commit=False)
    attach(factory)
    return factory


def lazy_begin_sessions(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    """Sessions of the same database and reference cache that begin PostgreSQL's transaction just
    before their first write, as SQLite's driver does (SQLite keeps `factory`). Reads before that
    run on their own, which changes nothing at READ COMMITTED, where every statement takes its own
    snapshot anyway; writes from it on commit together (core.storage.pg_writes). A turn that only reads
    then costs no BEGIN and no COMMIT, and one whose single write is the audit row of its commit
    (core.privacy.audit) runs that INSERT alone: two round trips of a webhook turn's five.

    Their connections stay in autocommit mode, in a pool of their own: switching a pooled
    connection's isolation level at every checkout costs more than a round trip."""
    bind = factory.kw.get("bind")
    if bind is None or bind.dialect.name != "postgresql":
        return factory
    return sessionmaker(_autocommit_twin(bind), expire_on_commit=False,
                        info=dict(factory.kw.get("info") or {}))


# In a statement: the last write of its commit, atomic by itself (core.storage.pg_writes).
ALONE = "/* alone */"
_TWINS: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_TWINS_GUARD = threading.Lock()


def _autocommit_twin(engine: Engine) -> Engine:
    """The engine's autocommit twin: same URL and pool settings, disposed with it."""
    from core.storage.pg_writes import LazyBeginCursor

    with _TWINS_GUARD:
        twin = _TWINS.get(engine)
        if twin is None:
            twin = _TWINS[engine] = create_engine(engine.url, isolation_level="AUTOCOMMIT",
                                                  pool=engine.pool.recreate())

            @event.listens_for(twin, "connect")
            def _lazy_begin(dbapi_connection, _record) -> None:
                dbapi_connection.cursor_factory = LazyBeginCursor

            event.listen(engine, "engine_disposed", lambda _engine: twin.dispose())
        return twin


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work commits together or not at all."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


_AFTER_COMMIT = "ansinh.after_commit"


def after_commit(session: Session, action: Callable[[], None],
                 otherwise: Callable[[], None] | None = None) -> None:
    """Run `action` once the session's transaction has committed, or `otherwise` if it ends
    without committing (rolled back or closed). For what lives outside the database (Redis) and
    must not run ahead of the rows it goes with: a USSD screen kept for gateway retries must not
    outlive a rolled-back disclosure row, a MessageSid claim must not outlive its turn."""
    session.info.setdefault(_AFTER_COMMIT, []).append((action, otherwise))


def end_after_commit_actions(session: Session, committed: bool) -> None:
    """Run what after_commit kept: the actions once committed, the others otherwise."""
    for action, otherwise in session.info.pop(_AFTER_COMMIT, ()):
        if committed:
            action()
        elif otherwise is not None:
            otherwise()


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT released (the outbox's): the turn goes on
        return
    end_after_commit_actions(session, committed=True)


@event.listens_for(Session, "after_transaction_end")
def _run_otherwise(session: Session, transaction) -> None:
    if transaction.parent is None:
        end_after_commit_actions(session, committed=False)


_UPSERT_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def upsert_insert(dialect_name: str):
    """The dialect's own `insert`, which has ON CONFLICT (PostgreSQL and SQLite); None for others,
    whose callers fall back to select-then-write."""
    return _UPSERT_INSERTS.get(dialect_name)


def is_stale_connection(error: BaseException) -> bool:
    """Did this fail because its pooled connection was dead (the database restarted meanwhile)?"""
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def database_unavailable(error: BaseException) -> bool:
    """Did this fail because the database could not be reached or used (down, restarting, its
    file gone), rather than because of what was asked of it?"""
    return isinstance(error, (OperationalError, InterfaceError))


def retry_on_stale_connection(work: Callable[[], T]) -> T:
    """`work()`, run once more when it failed on a dead pooled connection. Such a failure comes at
    the turn's first statement and its transaction rolled back, so the second run starts clean; a
    database that is really down fails again and the caller answers as it would."""
    try:
        return work()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        logger.info("a pooled database connection was dead (restart?): retrying once on a fresh one")
        return work()


def without_waiting_for_disk(session: Session) -> None:
    """For state whose loss in a crash is harmless (a USSD menu position): on PostgreSQL the commit
    does not wait for the WAL flush. Never for payments, audit rows, the outbox or dedupe keys."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    from alembic import command

    if isinstance(engine_or_url, Engine):
        config = alembic_config(engine_or_url.url.render_as_string(hide_password=False))
        with engine_or_url.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    else:
        command.upgrade(alembic_config(engine_or_url), revision)


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT version_num FROM alembic_version"))  # the schema, not just a file
        return True
    except Exception:  # noqa: BLE001 - any failure means "down"
        logger.warning("database ping failed", exc_info=False)
        return False
