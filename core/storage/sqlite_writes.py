"""Writers of one SQLite file take turns here instead of in SQLite's busy handler.

SQLite admits one writer at a time; a writer that finds the file locked sleeps and retries
(1, 2, 5, 10, 15 … 100 ms apart), so under concurrent webhooks a short turn waits far longer
than it runs.
A connection made by `connect_args={"factory": LockingConnection}` takes a lock just before its
first write statement and gives it back when its transaction ends: a thread lock inside the
process (woken at once) and an flock on `<database>.writelock` across processes (gunicorn
workers, `ansinh worker`, the CLI). Reads never wait (WAL). A writer that gets no turn within the
busy timeout fails as SQLite would ("database is locked"). SQLite's own lock stays underneath, so a
program that does not use this factory is still safe, only slower.
"""
from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
import time

logger = logging.getLogger(__name__)

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")
_locks: dict[tuple[str, int], WriteLock] = {}
_locks_guard = threading.Lock()


class WriteLock:
    """One writer at a time for one database file: re-entrant per thread, bounded waits."""

    def __init__(self, path: str):
        self._thread_lock = threading.Lock()
        self._file = open(path, "a+b")  # noqa: SIM115 - held for the life of the process
        self._owner: int | None = None
        self._depth = 0

    def acquire(self, timeout: float) -> bool:
        me = threading.get_ident()
        if self._owner == me:  # a second connection of the same thread: SQLite decides
            self._depth += 1
            return True
        if not self._thread_lock.acquire(timeout=timeout):
            return False
        if not self._lock_file(time.monotonic() + timeout):
            self._thread_lock.release()
            return False
        self._owner, self._depth = me, 1
        return True

    def _lock_file(self, deadline: float) -> bool:
        pause = 0.0001
        while True:
            try:
                fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)  # only one thread per process waits here
                pause = min(pause * 2, 0.001)

    def release(self) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        self._owner, self._depth = None, 0
        fcntl.flock(self._file, fcntl.LOCK_UN)
        self._thread_lock.release()


def write_lock_for(database: str) -> WriteLock:
    """The lock of one database file in this process (a forked child gets its own)."""
    key = (os.path.abspath(database), os.getpid())
    with _locks_guard:
        lock = _locks.get(key)
        if lock is None:
            lock = _locks[key] = WriteLock(key[0] + ".writelock")
        return lock


class LockingCursor(sqlite3.Cursor):
    def execute(self, sql, parameters=()):
        self.connection.before_statement(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters):
        self.connection.before_statement(sql)
        return super().executemany(sql, seq_of_parameters)


class LockingConnection(sqlite3.Connection):
    """sqlite3.connect(..., factory=LockingConnection); `write_lock` is set after connecting."""

    write_lock: WriteLock | None = None
    lock_timeout = 15.0
    _holding = False

    def cursor(self, factory=None):
        return super().cursor(factory or LockingCursor)

    def execute(self, sql, parameters=()):
        self.before_statement(sql)
        return super().execute(sql, parameters)

    def before_statement(self, sql: str) -> None:
        if self._holding or self.write_lock is None or not sql.lstrip()[:7].upper().startswith(_WRITES):
            return
        self._holding = self.write_lock.acquire(self.lock_timeout)
        if not self._holding:  # what SQLite's own busy timeout would have said, after the same wait
            raise sqlite3.OperationalError(f"database is locked (no write turn within "
                                           f"{self.lock_timeout:.0f} s)")

    def _end(self) -> None:
        if self._holding:
            self._holding = False
            self.write_lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._end()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._end()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._end()
