"""Provider message ids already handled, so a redelivered webhook has no second effect.

`seen_before(provider, message_id)` returns what was answered the first time (None when the id is
new); `remember(...)` stores that answer. The database keeps them in `seen_messages` (embedded
default); with settings.redis_url they live in Redis with an expiry, falling back to the database
when Redis is unreachable.

Inside a conversation turn the same two steps run in the turn's own session: `check(session, …)`
before it, `record(session, …)` just before its commit. In the database the record is written
(and flushed) in the turn's transaction, so the id, the audit rows and the memory commit together,
and of two concurrent deliveries the second fails on the unique key, rolls back and answers with
the first one's reply (`AlreadyAnswered`). In Redis the check is the claim (`SET NX`, IN_FLIGHT for
CLAIM_SECONDS: one round trip for a new id, which is nearly every delivery); `record` gives it the
answer, which replaces the claim once the turn has committed (the claim is removed if the turn
rolled back or committed without an answer): a twin that finds the claim answers "retry later".
"""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Protocol

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.counting import count
from core.storage.db import after_commit
from core.models import SeenMessage
from core.storage.prepared import Prepared
from core.storage.turn_connection import connection_of

logger = logging.getLogger(__name__)
KEEP = timedelta(days=7)  # providers redeliver within minutes or hours, never after a week
MAX_ID = 128
IN_FLIGHT = "\x00in-flight"  # a Redis claim whose turn has not committed yet
CLAIM_SECONDS = 60
PURGE_EVERY, PURGE_BATCH = 200, 200  # now and then, the oldest ids past KEEP, by primary key (no scan)
_CLAIMS = "ansinh.dedupe.claims"  # session.info: ids this turn claimed in Redis, and their answers


class AlreadyAnswered(Exception):
    """This provider message was handled before (or is being committed by a twin delivery)."""

    def __init__(self, response: str | None = None):
        super().__init__("already answered")
        self.response = response


class Dedupe(Protocol):
    def seen_before(self, provider: str, message_id: str) -> str | None: ...

    def remember(self, provider: str, message_id: str, response: str | None) -> None: ...

    def check(self, session: Session, provider: str, message_id: str) -> None: ...

    def record(self, session: Session, provider: str, message_id: str, response: str | None) -> None: ...


_TABLE = SeenMessage.__table__  # statements built once: building costs more than running them
_FIND = Prepared(select(_TABLE.c.response).where(_TABLE.c.provider == bindparam("provider"),
                                                 _TABLE.c.message_id == bindparam("message_id")))
_ADD = Prepared(insert(_TABLE), ("provider", "message_id", "response", "at"))


def _seen_row(session: Session, provider: str, message_id: str):
    values = {"provider": provider[:20], "message_id": message_id[:MAX_ID]}
    return _FIND.first(connection_of(session), values)


class DatabaseDedupe:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock):
        self.sessions = sessions
        self.clock = clock
        self._writes = 0

    def seen_before(self, provider: str, message_id: str) -> str | None:
        with self.sessions() as session:
            row = _seen_row(session, provider, message_id)
            return None if row is None else row.response or ""

    def remember(self, provider: str, message_id: str, response: str | None) -> None:
        try:
            with self.sessions.begin() as session:
                self._add(session, provider, message_id, response)
        except IntegrityError:  # a concurrent delivery of the same id got there first
            logger.info("%s message %s already remembered", provider, message_id)

    def check(self, session: Session, provider: str, message_id: str) -> None:
        row = _seen_row(session, provider, message_id)
        if row is not None:
            raise AlreadyAnswered(row.response or "")

    def record(self, session: Session, provider: str, message_id: str, response: str | None) -> None:
        """The claim, in the caller's transaction: written now so a twin that committed first shows."""
        try:
            self._add(session, provider, message_id, response)
        except IntegrityError:  # the turn is rolled back whole; the twin's answer stands
            raise AlreadyAnswered() from None

    def _add(self, session: Session, provider: str, message_id: str, response: str | None) -> None:
        _ADD.run(connection_of(session), {"provider": provider[:20], "message_id": message_id[:MAX_ID],
                                        "response": response or "", "at": self.clock.now()})
        self._writes += 1
        if self._writes % PURGE_EVERY == 0:
            oldest = select(SeenMessage.id).order_by(SeenMessage.id).limit(PURGE_BATCH).scalar_subquery()
            session.execute(delete(SeenMessage).where(SeenMessage.id.in_(oldest),
                                                      SeenMessage.at < self.clock.now() - KEEP)
                            .execution_options(synchronize_session=False))


class RedisDedupe:
    def __init__(self, client, fallback: Dedupe, prefix: str = "ansinh:seen:"):
        self.client = client
        self.fallback = fallback
        self.prefix = prefix
        self._warned = False

    def _key(self, provider: str, message_id: str) -> str:
        return f"{self.prefix}{provider}:{message_id[:MAX_ID]}"

    def _degrade(self, error: Exception) -> Dedupe:
        count("store_error", store="redis")
        if not self._warned:
            logger.warning("Redis unavailable (%s); using the database for dedupe", type(error).__name__)
            self._warned = True
        return self.fallback

    def seen_before(self, provider: str, message_id: str) -> str | None:
        try:
            raw = self.client.get(self._key(provider, message_id))
        except Exception as error:  # noqa: BLE001 - any Redis failure degrades
            return self._degrade(error).seen_before(provider, message_id)
        return raw.decode("utf-8") if isinstance(raw, bytes) else raw

    def remember(self, provider: str, message_id: str, response: str | None) -> None:
        try:
            self.client.set(self._key(provider, message_id), response or "", nx=True,
                            ex=int(KEEP.total_seconds()))
        except Exception as error:  # noqa: BLE001
            self._degrade(error).remember(provider, message_id, response)

    def check(self, session: Session, provider: str, message_id: str) -> None:
        """Claim the id for this turn (a twin that claimed first wins); settled when the turn ends."""
        key = self._key(provider, message_id)
        try:
            claimed = self.client.set(key, IN_FLIGHT, nx=True, ex=CLAIM_SECONDS)
            raw = None if claimed else self.client.get(key)
        except Exception as error:  # noqa: BLE001
            self._degrade(error).check(session, provider, message_id)
            return
        if not claimed:
            raise AlreadyAnswered(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        claims = session.info.setdefault(_CLAIMS, {})
        claims[key] = None  # the answer, once `record` has it

        def settle(committed: bool) -> None:
            answer = claims.pop(key, None)
            self._settle(key, answer if committed else None)

        after_commit(session, lambda: settle(True), otherwise=lambda: settle(False))

    def record(self, session: Session, provider: str, message_id: str, response: str | None) -> None:
        """The answer for the id this turn claimed in `check`; it replaces the claim after the commit,
        so Redis never holds an answer whose effects rolled back. Without a claim (Redis was down
        at the check), the database records it, as it checked it."""
        claims, key = session.info.get(_CLAIMS, {}), self._key(provider, message_id)
        if key not in claims:
            self.fallback.record(session, provider, message_id, response)
            return
        claims[key] = response or ""

    def _settle(self, key: str, response: str | None) -> None:
        """The answer replaces the claim; without one (rolled back, or no answer) the claim goes."""
        try:
            if response is not None:
                self.client.set(key, response, ex=int(KEEP.total_seconds()))
            elif self.client.get(key) in (IN_FLIGHT, IN_FLIGHT.encode()):
                self.client.delete(key)  # rolled back: a retry must be answered
        except Exception as error:  # noqa: BLE001 - the claim expires by itself
            logger.warning("Redis unavailable (%s) settling %s", type(error).__name__, key)


def make_dedupe(settings, sessions: sessionmaker[Session], clock: Clock) -> Dedupe:
    database = DatabaseDedupe(sessions, clock)
    if not settings.redis_url:
        return database
    import redis  # the client library, not a provider SDK

    client = redis.Redis.from_url(settings.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return RedisDedupe(client, fallback=database)
