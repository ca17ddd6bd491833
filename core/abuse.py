"""Abuse limits on what strangers can try: registration attempts (per sender and per beneficiary
code), one-time-code guesses, personal questions from unverified identities, console logins.

Counting is done by the `limits` library: in Redis when ANSINH_REDIS_URL is set, otherwise in the
database (`rate_counters`), so every web process and host shares the same counts. Each scope has
tiers: the first slows an enumerator down (a short wait), the last blocks for longer.
"""
from __future__ import annotations

import logging
import math
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from limits import parse
from limits.storage import MemoryStorage, Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import case, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.counting import count
from core.storage.db import upsert_insert
from core.models import RateCounter

logger = logging.getLogger(__name__)

# scope: tiers from the shortest window to the longest.
LIMITS: dict[str, tuple[str, ...]] = {
    "register_sender": ("3 per 1 minute", "8 per 1 hour", "20 per 1 day"),
    "register_code": ("5 per 1 minute", "10 per 1 hour", "30 per 1 day"),
    "otp_sender": ("5 per 5 minutes", "15 per 1 day"),
    "unverified_personal": ("10 per 1 minute", "40 per 1 hour"),
    "console_login": ("10 per 1 minute", "30 per 1 hour"),  # per client address, whatever the username
    # Per username and address: the lockout, minus the denial of service
    "console_login_pair": ("5 per 15 minutes",),
    "inbound_sender": ("30 per 1 minute", "300 per 1 hour"),
}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds
    blocked: bool = False  # the longest tier is exhausted: not just slowed


class DatabaseStorage(Storage):
    """A `limits` storage over the rate_counters table (fixed windows only).

    Given a session factory it commits each count on its own; given the caller's open session it
    counts inside that transaction (SQLite cannot write from a second connection mid-turn)."""

    STORAGE_SCHEME = ["ansinh+db"]

    def __init__(self, sessions: sessionmaker[Session] | None = None, session: Session | None = None,
                 **options):
        super().__init__(None, **options)
        self.sessions = sessions
        self.session = session

    @contextmanager
    def _writing(self):
        if self.session is not None:
            yield self.session
        else:
            with self.sessions.begin() as session:
                yield session

    @contextmanager
    def _reading(self):
        if self.session is not None:
            yield self.session
        else:
            with self.sessions() as session:
                yield session

    @property
    def base_exceptions(self):
        return (Exception,)

    @staticmethod
    def _now() -> datetime:
        return datetime.now(timezone.utc)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = self._now()
        with self._writing() as session:
            insert = upsert_insert(session.bind.dialect.name)
            if insert is not None:
                return self._upsert(session, insert, key, now, expiry, amount)
        for _ in range(3):  # a concurrent first insert makes us retry the update
            with self._writing() as session:
                session.execute(delete(RateCounter).where(RateCounter.key == key,
                                                          RateCounter.expires_at <= now))
                updated = session.execute(
                    update(RateCounter).where(RateCounter.key == key).values(count=RateCounter.count + amount)
                )
                if updated.rowcount:
                    return session.scalar(select(RateCounter.count).where(RateCounter.key == key))
                try:
                    with session.begin_nested():
                        session.add(RateCounter(key=key, count=amount,
                                                expires_at=now + timedelta(seconds=expiry)))
                    return amount
                except IntegrityError:
                    continue
        raise RuntimeError("rate counter contention")

    @staticmethod
    def _upsert(session: Session, insert, key: str, now: datetime, expiry: int, amount: int) -> int:
        """One statement per count (a stranger's turn counts two tiers): insert, or add to the
        window still running, or start a new window over an ended one; atomic under concurrency."""
        table = RateCounter.__table__
        statement = insert(table).values(key=key, count=amount, expires_at=now + timedelta(seconds=expiry))
        ended = table.c.expires_at <= now
        statement = statement.on_conflict_do_update(index_elements=[table.c.key], set_={
            "count": case((ended, statement.excluded.count), else_=table.c.count + amount),
            "expires_at": case((ended, statement.excluded.expires_at), else_=table.c.expires_at),
        }).returning(table.c.count)
        return session.execute(statement).scalar_one()

    def get(self, key: str) -> int:
        with self._reading() as session:
            row = session.get(RateCounter, key)
            return row.count if row is not None and row.expires_at > self._now() else 0

    def get_expiry(self, key: str) -> float:
        with self._reading() as session:
            row = session.get(RateCounter, key)
            return row.expires_at.timestamp() if row is not None else time.time()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self._writing() as session:
            return session.execute(delete(RateCounter)).rowcount

    def clear(self, key: str) -> None:
        with self._writing() as session:
            session.execute(delete(RateCounter).where(RateCounter.key == key))


@lru_cache(maxsize=4)
def _redis_storage(url: str) -> Storage:
    from limits.storage import storage_from_string

    return storage_from_string(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def make_storage(settings, sessions: sessionmaker[Session] | None, session: Session | None = None) -> Storage:
    if settings.redis_url:
        return _redis_storage(settings.redis_url)
    if sessions is None and session is None:
        return MemoryStorage()
    return DatabaseStorage(sessions, session)


@lru_cache(maxsize=1)
def _parsed_limits() -> dict[str, list]:
    """LIMITS as `limits` items, parsed once per process (a guard is made for every stranger's turn)."""
    return {scope: [parse(spec) for spec in specs] for scope, specs in LIMITS.items()}


class AbuseGuard:
    def __init__(self, storage: Storage, fallback: Storage | None = None):
        self.limiter = FixedWindowRateLimiter(storage)
        self.fallback = FixedWindowRateLimiter(fallback) if fallback is not None else None
        self._items = _parsed_limits()
        self._warned = False

    def _degrading(self, work, scope: str, key: str):
        """`work(limiter, scope, key)` on the main storage, or on the fallback when Redis is down."""
        try:
            return work(self.limiter, scope, key)
        except Exception as error:  # Redis down: degrade to the fallback, log once
            count("store_error", store="redis")
            if self.fallback is None:
                raise
            if not self._warned:
                logger.warning("abuse-limit storage unavailable (%s); using the database",
                               type(error).__name__)
                self._warned = True
            return work(self.fallback, scope, key)

    def hit(self, scope: str, key: str) -> Verdict:
        """Count one attempt; say whether it may go ahead and, if not, for how long to wait."""
        return _counted(self._degrading(self._hit, scope, key), scope)

    def _hit(self, limiter: FixedWindowRateLimiter, scope: str, key: str) -> Verdict:
        items = self._items[scope]
        for index, item in enumerate(items):
            if not limiter.hit(item, scope, key):
                reset_at = limiter.get_window_stats(item, scope, key).reset_time
                wait = max(1, math.ceil(reset_at - time.time()))
                return Verdict(False, wait, blocked=index == len(items) - 1)
        return Verdict(True)

    def check(self, scope: str, key: str) -> Verdict:
        """Whether one more attempt would be allowed, without counting it: for limits that count
        only what failed (console logins) or only what was given (one-time codes)."""
        return _counted(self._degrading(self._test, scope, key), scope)

    def _test(self, limiter: FixedWindowRateLimiter, scope: str, key: str) -> Verdict:
        refused = None
        items = self._items[scope]
        for index, item in enumerate(items):
            if not limiter.test(item, scope, key):
                reset_at = limiter.get_window_stats(item, scope, key).reset_time
                refused = Verdict(False, max(1, math.ceil(reset_at - time.time())),
                                  blocked=index == len(items) - 1)
        return refused or Verdict(True)

    def clear(self, scope: str, key: str) -> None:
        self._degrading(self._clear, scope, key)

    def _clear(self, limiter: FixedWindowRateLimiter, scope: str, key: str) -> None:
        for item in self._items[scope]:
            limiter.clear(item, scope, key)


def _counted(verdict: Verdict, scope: str) -> Verdict:
    if not verdict.allowed:
        count("rate_limited", scope=scope)
    return verdict


def wait_minutes(verdicts) -> int:
    """The longest wait among refused verdicts, in whole minutes (at least 1)."""
    return max(1, -(-max((v.retry_after for v in verdicts if not v.allowed), default=60) // 60))


def refusal_text(t, verdicts, hotline: str) -> str | None:
    """What a refused person reads: slowed ("wait N minutes") or blocked (how long, and the
    hotline, since a real person in trouble must still find help); None when all were allowed."""
    refused = [v for v in verdicts if not v.allowed]
    if not refused:
        return None
    minutes = wait_minutes(refused)
    if any(v.blocked for v in refused):
        return t._("Too many attempts. AnSinh will not answer such questions from here for %(minutes)s "
                   "minutes. If you need help, please call the hotline %(hotline)s.",
                   minutes=minutes, hotline=hotline)
    return t._("Too many attempts. Please wait %(minutes)s minutes and try again.", minutes=minutes)


def make_guard(settings, sessions: sessionmaker[Session] | None = None,
               session: Session | None = None) -> AbuseGuard:
    """The guard for a process (`sessions`) or for one turn inside its transaction (`session`)."""
    storage = make_storage(settings, sessions, session)
    has_db = sessions is not None or session is not None
    fallback = DatabaseStorage(sessions, session) if settings.redis_url and has_db else None
    return AbuseGuard(storage, fallback)
