"""Answers as replies: Zalo bills a message sent within 48 hours of a user's message, as a reply to
it (`recipient.message_id`), as a free reply, and one sent by `user_id` alone as a proactive one.

The webhook remembers each user's latest message id for 48 hours (state key zalo-last:<user_id>,
in the database or Redis); the sender answers a reply row (key zalo:<msg_id>:<n>) to the message
it answers and any other row to the user's latest message, while within the window. Outside it,
messages to followers go by `user_id` alone, as before.
"""
from __future__ import annotations

from datetime import datetime, timedelta

REPLY_WINDOW = timedelta(hours=48)
_KEY = "zalo-last:{user_id}"


def remember_user_message(state, user_id: str, msg_id: str, at: datetime) -> None:  # noqa: ANN001 - core.state
    state.set(_KEY.format(user_id=user_id), {"msg_id": msg_id, "at": at.isoformat()},
              int(REPLY_WINDOW.total_seconds()))


def reply_target(state, message, now: datetime) -> str | None:  # noqa: ANN001
    """The user's message this outbox row may answer as a reply, if any is recent enough."""
    key = message.idempotency_key or ""
    created = message.created_at
    if message.kind == "reply" and key.startswith("zalo:") and created is not None:
        if created.tzinfo is None:
            created = created.replace(tzinfo=now.tzinfo)
        if now - created < REPLY_WINDOW:
            return key.split(":")[1]
    if state is None:
        return None
    latest = state.get(_KEY.format(user_id=message.address)) or {}
    try:
        at = datetime.fromisoformat(latest.get("at", ""))
    except (TypeError, ValueError):
        return None
    return str(latest["msg_id"]) if latest.get("msg_id") and now - at < REPLY_WINDOW else None
