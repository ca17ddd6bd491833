"""Reference data that changes a few times a year (a unit's name, officer, phone, office), kept in
the process for a minute instead of read on every answer.

One cache per session factory (`core.storage.db.make_session_factory` puts it in every session's `info`).
A change written through this process's sessions empties it at once; one made by another process
(the console on another web worker, an import) shows here within TTL_SECONDS.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from core.models import Unit

logger = logging.getLogger(__name__)
KEY = "ansinh.reference"
TTL_SECONDS = 60.0


@dataclass(frozen=True)
class UnitInfo:
    """What answers read of a unit, detached from any session."""

    code: str
    name: str
    kind: str
    parent_code: str | None
    officer_name: str | None
    officer_phone: str | None
    office_address: str | None
    pays_electronically: bool


class ReferenceCache:
    def __init__(self, ttl: float = TTL_SECONDS):
        self.ttl = ttl
        self._units: dict[str, tuple[float, UnitInfo | None]] = {}
        self._lock = threading.Lock()

    def unit(self, session: Session, code: str) -> UnitInfo | None:
        now = time.monotonic()
        cached = self._units.get(code)
        if cached is not None and cached[0] > now:
            return cached[1]
        row = session.get(Unit, code)
        info = None if row is None else UnitInfo(row.code, row.name, row.kind, row.parent_code,
                                                 row.officer_name,
                                                 row.officer_phone, row.office_address,
                                                 bool(row.pays_electronically))
        with self._lock:
            self._units[code] = (now + self.ttl, info)
        return info

    def clear(self) -> None:
        with self._lock:
            self._units.clear()


def attach(factory: sessionmaker[Session]) -> ReferenceCache:
    """Give every session of `factory` the cache, emptied whenever one of them writes a unit."""
    cache = ReferenceCache()
    factory.kw.setdefault("info", {})[KEY] = cache

    @event.listens_for(factory, "after_flush")
    def _forget_changed_units(session: Session, _context) -> None:
        if any(isinstance(obj, Unit) for obj in (*session.new, *session.dirty, *session.deleted)):
            cache.clear()

    return cache


def cache_of(session: Session) -> ReferenceCache | None:
    return session.info.get(KEY)
