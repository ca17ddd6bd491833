"""PostgreSQL sessions that begin their transaction just before the first write, as SQLite's driver
does (core.storage.db.lazy_begin_sessions). Their connections stay in autocommit mode; this cursor sends
BEGIN ahead of the first statement that is not a plain SELECT, and COMMIT or ROLLBACK then end it
as usual (psycopg sends them only while a transaction is open).

A statement marked ALONE (an SQL comment, see core.privacy.audit) is the last write of its commit: when no
transaction is open yet it runs by itself, atomic as any single statement. This lives at the driver
level, like core.storage.sqlite_writes: an SQLAlchemy statement event had cost every statement of a turn
more than the round trips it saved.
"""
from __future__ import annotations

import re
from functools import lru_cache

import psycopg
from psycopg.pq import TransactionStatus

from core.storage.db import ALONE

_LOCKING = re.compile(r"\bFOR (?:NO KEY |KEY )?(?:UPDATE|SHARE)\b|nextval\(|pg_advisory", re.IGNORECASE)
_IDLE = TransactionStatus.IDLE


@lru_cache(maxsize=1024)
def needs_transaction(statement: str) -> bool:
    """Anything but a plain SELECT: writes, locking reads, savepoints, sequences, advisory locks."""
    if statement.lstrip()[:6].upper() == "SELECT":
        return _LOCKING.search(statement) is not None
    return ALONE not in statement


class LazyBeginCursor(psycopg.Cursor):
    def execute(self, query, params=None, **kwargs):
        self._begin_before(query)
        return super().execute(query, params, **kwargs)

    def executemany(self, query, params_seq, **kwargs):
        self._begin_before(query, many=True)
        return super().executemany(query, params_seq, **kwargs)

    def _begin_before(self, query, many: bool = False) -> None:
        connection = self.connection
        if not connection.autocommit or connection.pgconn.transaction_status != _IDLE:
            return  # a transaction is open already, or psycopg opens its own
        if not isinstance(query, str) or needs_transaction(query) or (many and ALONE in query):
            super().execute("BEGIN")
