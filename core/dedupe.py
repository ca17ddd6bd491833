"""Provider message ids already handled, so a redelivered webhook has no second effect.

`seen_before(provider, message_id)` returns what was answered the first time (None when the id is
new); `remember(...)` stores that answer. The database keeps them in `seen_messages` (embedded
default); with settings.redis_url they live in Redis with an expiry, falling back to the database
when Redis is unreachable.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.models import SeenMessage

logger = logging.getLogger(__name__)
KEEP = timedelta(days=7)  # providers redeliver within minutes or hours, never after a week
MAX_ID = 128


class Dedupe(Protocol):
    def seen_before(self, provider: str, message_id: str) -> str | None: ...

    def remember(self, provider: str, message_id: str, response: str | None) -> None: ...


class DatabaseDedupe:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock):
        self.sessions = sessions
        self.clock = clock
        self._writes = 0

    def seen_before(self, provider: str, message_id: str) -> str | None:
        with self.sessions() as session:
            row = session.scalar(select(SeenMessage).where(
                SeenMessage.provider == provider[:20], SeenMessage.message_id == message_id[:MAX_ID]))
            if row is None:
                return None
            return row.response or ""

    def remember(self, provider: str, message_id: str, response: str | None) -> None:
        try:
            with self.sessions.begin() as session:
                session.add(SeenMessage(provider=provider[:20], message_id=message_id[:MAX_ID],
                                        response=response or "", at=self.clock.now()))
                self._writes += 1
                if self._writes % 500 == 0:
                    session.execute(delete(SeenMessage).where(SeenMessage.at < self.clock.now() - KEEP))
        except IntegrityError:  # a concurrent delivery of the same id got there first
            logger.info("%s message %s already remembered", provider, message_id)


class RedisDedupe:
    def __init__(self, client, fallback: Dedupe, prefix: str = "ansinh:seen:"):
        self.client = client
        self.fallback = fallback
        self.prefix = prefix
        self._warned = False

    def _key(self, provider: str, message_id: str) -> str:
        return f"{self.prefix}{provider}:{message_id[:MAX_ID]}"

    def _degrade(self, error: Exception) -> Dedupe:
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
            self.client.set(self._key(provider, message_id), response or "", nx=True, ex=int(KEEP.total_seconds()))
        except Exception as error:  # noqa: BLE001
            self._degrade(error).remember(provider, message_id, response)


def make_dedupe(settings, sessions: sessionmaker[Session], clock: Clock) -> Dedupe:
    database = DatabaseDedupe(sessions, clock)
    if not settings.redis_url:
        return database
    import redis  # the client library, not a provider SDK

    client = redis.Redis.from_url(settings.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return RedisDedupe(client, fallback=database)
