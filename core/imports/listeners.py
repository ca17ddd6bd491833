"""Who hears about an import's changes: functions called with (session, events) inside the
import's transaction, before it commits (notifications hook in here, so an outbox row is
written together with the payment change that caused it).

    from core.imports.listeners import register_listener
    register_listener(queue_payment_notifications)
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

Listener = Callable[[Session, list], None]
_listeners: list[Listener] = []


def register_listener(listener: Listener) -> Listener:
    """Add a listener once (usable as a decorator)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def unregister_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def registered_listeners() -> tuple[Listener, ...]:
    return tuple(_listeners)
