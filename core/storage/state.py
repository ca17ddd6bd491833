"""State that outlives one request (USSD menu position, conversation step): a small interface
with an in-memory (tests), a database (embedded default) and a Redis (scaled out) implementation.

`get`/`set`/`delete` take the caller's session when it has one: the database store then reads
and writes in that transaction (a conversation turn commits its memory with its audit rows, in
one commit); Redis writes once that transaction has committed; the memory store ignores it.
`recall` is `get` with the entry's expiry, so a caller can leave an unchanged entry alone while it
has long enough to live (a write saved)."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import NamedTuple, Protocol

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.counting import count
from core.storage.db import after_commit, upsert_insert, without_waiting_for_disk
from core.models import StateEntry
from core.storage.prepared import Prepared
from core.storage.turn_connection import connection_of

logger = logging.getLogger(__name__)


class Recalled(NamedTuple):
    """A stored value and when it expires, by the store's clock."""

    value: dict
    expires_at: datetime


class StateStore(Protocol):
    def get(self, key: str, session: Session | None = None) -> dict | None: ...

    def recall(self, key: str, session: Session | None = None) -> Recalled | None: ...

    def set(self, key: str, value: dict, ttl_seconds: int, session: Session | None = None) -> None: ...

    def delete(self, key: str, session: Session | None = None) -> None: ...


# Built once: on the hot path, building a statement costs more than running it.
_TABLE = StateEntry.__table__
_READ = Prepared(select(_TABLE.c.value, _TABLE.c.expires_at).where(_TABLE.c.key == bindparam("key")))
_DELETE = delete(_TABLE).where(_TABLE.c.key == bindparam("key"))


def _upsert(insert):
    statement = insert(_TABLE)
    return statement.on_conflict_do_update(index_elements=[_TABLE.c.key],
                                           set_={"value": statement.excluded.value,
                                                 "expires_at": statement.excluded.expires_at})


_UPSERTS = {name: Prepared(_upsert(upsert_insert(name)), ("key", "value", "expires_at"))
            for name in ("sqlite", "postgresql")}


class MemoryStateStore:
    def __init__(self, clock: Clock):
        self.clock = clock
        self._data: dict[str, tuple[dict, object]] = {}

    def get(self, key: str, session: Session | None = None) -> dict | None:
        entry = self.recall(key)
        return None if entry is None else entry.value

    def recall(self, key: str, session: Session | None = None) -> Recalled | None:
        item = self._data.get(key)
        if item is None or item[1] <= self.clock.now():
            self._data.pop(key, None)
            return None
        return Recalled(dict(item[0]), item[1])

    def set(self, key: str, value: dict, ttl_seconds: int, session: Session | None = None) -> None:
        self._data[key] = (dict(value), self.clock.now() + timedelta(seconds=ttl_seconds))

    def delete(self, key: str, session: Session | None = None) -> None:
        self._data.pop(key, None)


class DatabaseStateStore:
    """Rows in `state_entries`; expired rows are ignored and swept now and then."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock):
        self.sessions = sessions
        self.clock = clock
        self._writes = 0

    def get(self, key: str, session: Session | None = None) -> dict | None:
        entry = self.recall(key, session)
        return None if entry is None else entry.value

    def recall(self, key: str, session: Session | None = None) -> Recalled | None:
        if session is not None:
            return self._read(session, key)
        with self.sessions() as own:
            return self._read(own, key)

    def _read(self, session: Session, key: str) -> Recalled | None:
        row = _READ.first(connection_of(session), {"key": key})
        if row is None or row.expires_at <= self.clock.now():
            return None
        return Recalled(dict(row.value), row.expires_at)

    def set(self, key: str, value: dict, ttl_seconds: int, session: Session | None = None) -> None:
        if session is not None:
            self._write(session, key, value, ttl_seconds)
            return
        with self.sessions.begin() as own:
            without_waiting_for_disk(own)  # alone, it is only a menu position or a memory
            self._write(own, key, value, ttl_seconds)

    def _write(self, session: Session, key: str, value: dict, ttl_seconds: int) -> None:
        """One upsert statement (no read first); expired rows are swept now and then."""
        expires = self.clock.now() + timedelta(seconds=ttl_seconds)
        connection = connection_of(session)
        upsert = _UPSERTS.get(connection.dialect.name)
        if upsert is not None:
            upsert.run(connection, {"key": key, "value": dict(value), "expires_at": expires})
        else:
            session.merge(StateEntry(key=key, value=dict(value), expires_at=expires))
        self._writes += 1
        if self._writes % 500 == 0:
            session.execute(delete(StateEntry).where(StateEntry.expires_at <= self.clock.now())
                            .execution_options(synchronize_session=False))

    def delete(self, key: str, session: Session | None = None) -> None:
        if session is not None:
            session.execute(_DELETE, {"key": key})
            return
        with self.sessions.begin() as own:
            own.execute(_DELETE, {"key": key})

    def keys(self) -> list[str]:
        with self.sessions() as session:
            return list(
                session.scalars(select(StateEntry.key).where(StateEntry.expires_at > self.clock.now()))
            )


class RedisStateStore:
    """Keys with Redis expiry, JSON values. Falls back to the database store when Redis is down."""

    def __init__(self, client, clock: Clock, fallback: StateStore | None = None,
                 prefix: str = "ansinh:state:"):
        self.client = client
        self.clock = clock
        self.fallback = fallback
        self.prefix = prefix
        self._warned = False

    def _degrade(self, error: Exception) -> StateStore:
        count("store_error", store="redis")
        if not self._warned:
            logger.warning("Redis unavailable (%s); using the database for state", type(error).__name__)
            self._warned = True
        if self.fallback is None:
            raise error
        return self.fallback

    def get(self, key: str, session: Session | None = None) -> dict | None:
        try:
            raw = self.client.get(self.prefix + key)
        except Exception as error:  # noqa: BLE001 - any Redis failure degrades
            return self._degrade(error).get(key)
        return json.loads(raw) if raw else None

    def recall(self, key: str, session: Session | None = None) -> Recalled | None:
        """The value and its time to live, in one round trip."""
        try:
            raw, ttl_ms = (
                self.client.pipeline(transaction=False)
                .get(self.prefix + key)
                .pttl(self.prefix + key)
                .execute()
            )
        except Exception as error:  # noqa: BLE001 - any Redis failure degrades
            return self._degrade(error).recall(key)
        if not raw:
            return None
        # -1: kept without expiry
        lasts = timedelta(milliseconds=ttl_ms) if ttl_ms >= 0 else timedelta(days=3650)
        return Recalled(json.loads(raw), self.clock.now() + lasts)

    def set(self, key: str, value: dict, ttl_seconds: int, session: Session | None = None) -> None:
        """With the caller's session: once its transaction commits, never ahead of it."""
        if session is not None:
            after_commit(session, lambda: self.set(key, value, ttl_seconds))
            return
        try:
            self.client.set(self.prefix + key, json.dumps(value), ex=max(1, int(ttl_seconds)))
        except Exception as error:  # noqa: BLE001
            self._degrade(error).set(key, value, ttl_seconds)

    def delete(self, key: str, session: Session | None = None) -> None:
        if session is not None:
            after_commit(session, lambda: self.delete(key))
            return
        try:
            self.client.delete(self.prefix + key)
        except Exception as error:  # noqa: BLE001
            self._degrade(error).delete(key)


def make_state_store(settings, sessions: sessionmaker[Session], clock: Clock) -> StateStore:
    database = DatabaseStateStore(sessions, clock)
    if not settings.redis_url:
        return database
    import redis  # the client library, not a provider SDK

    client = redis.Redis.from_url(settings.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return RedisStateStore(client, clock, fallback=database)
