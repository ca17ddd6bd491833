"""Answers as replies: Zalo bills a message sent within 48 hours of a user's message, as a reply to
it (`recipient.message_id`), as a free reply, and one sent by `user_id` alone as a proactive one.

The webhook remembers, for 48 hours, when each user message arrived (state key zalo-msg:<msg_id>)
and each user's latest message (zalo-last:<user_id>), in the database or Redis. The sender answers
a reply row (key zalo:<msg_id>:<n>) to the message it answers and any other row to the user's
latest message, while within the window. Outside it, messages go by `user_id` alone, as before.
"""
from __future__ import annotations

from datetime import datetime, timedelta

REPLY_WINDOW = timedelta(hours=48)


def remember_user_message(state, user_id: str, msg_id: str, at: datetime) -> None:
    seen = {"msg_id": msg_id, "at": at.isoformat()}
    ttl = int(REPLY_WINDOW.total_seconds())
    state.set(f"zalo-msg:{msg_id}", seen, ttl)
    state.set(f"zalo-last:{user_id}", seen, ttl)


def _recent(state, key: str, now: datetime) -> str | None:
    seen = state.get(key) or {}
    try:
        at = datetime.fromisoformat(seen.get("at", ""))
    except (TypeError, ValueError):
        return None
    return str(seen["msg_id"]) if seen.get("msg_id") and now - at < REPLY_WINDOW else None


def reply_target(state, message, now: datetime) -> str | None:
    """The user's message this outbox row may answer as a reply, if one is recent enough."""
    if state is None:
        return None
    key = message.idempotency_key or ""
    if message.kind == "reply" and key.startswith("zalo:"):
        answered = _recent(state, f"zalo-msg:{key.split(':')[1]}", now)
        if answered:
            return answered
    return _recent(state, f"zalo-last:{message.address}", now)
