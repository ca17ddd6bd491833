"""SQLite writers take turns on a lock (core.storage.sqlite_writes) instead of sleeping in SQLite's busy
handler: concurrent writers all get through, and one that gets no turn within the busy timeout
fails the way SQLite would, with "database is locked"."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from core.storage.db import make_engine


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'writes.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (1, 0)"))
    yield engine
    engine.dispose()


def test_concurrent_writers_all_get_through(engine):
    errors: list[Exception] = []

    def add(times: int) -> None:
        try:
            for _ in range(times):
                with engine.begin() as connection:
                    connection.execute(text("UPDATE counter SET n = n + 1 WHERE id = 1"))
                    connection.execute(text("INSERT INTO counter (n) VALUES (0)"))
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    writers = [threading.Thread(target=add, args=(50,)) for _ in range(6)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
    assert errors == []
    with engine.connect() as connection:  # every transaction landed, none was refused as "locked"
        assert connection.execute(text("SELECT n FROM counter WHERE id = 1")).scalar_one() == 300
        assert connection.execute(text("SELECT count(*) FROM counter")).scalar_one() == 301


def test_a_writer_without_a_turn_fails_like_sqlite(engine):
    holder = engine.connect()
    holder.execute(text("UPDATE counter SET n = 1"))  # holds the write turn until it commits
    try:
        def waiter() -> None:
            with engine.connect() as connection:
                connection.connection.dbapi_connection.lock_timeout = 0.2
                connection.execute(text("UPDATE counter SET n = 2"))

        failure: list[Exception] = []
        thread = threading.Thread(target=lambda: _catch(waiter, failure))
        thread.start()
        thread.join(30)
        assert len(failure) == 1 and isinstance(failure[0], OperationalError)
        assert "database is locked" in str(failure[0])
    finally:
        holder.commit()
        holder.close()
    with engine.begin() as connection:  # the turn is free again
        connection.execute(text("UPDATE counter SET n = 3"))


def _catch(work, into: list) -> None:
    try:
        work()
    except Exception as error:  # noqa: BLE001
        into.append(error)
