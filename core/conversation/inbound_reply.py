"""The one message type every channel speaks with the core (see ARCHITECTURE.md, rule 1)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

CHANNELS = ("sms", "ussd", "telegram", "zalo", "cli")
# A session channel (USSD) says where in its session a message falls; message channels say nothing.
SESSION_NEW, SESSION_CONTINUE, SESSION_END = "new", "continue", "end"


@dataclass(frozen=True)
class Inbound:
    """What a person sent: `sender` is an E.164 phone for sms/ussd, a chat id for telegram/zalo.
    `event` is set on session channels only (SESSION_NEW, SESSION_CONTINUE, SESSION_END)."""

    channel: str
    sender: str
    text: str
    session_id: str | None = None
    locale: str | None = None
    provider_meta: Mapping[str, Any] = field(default_factory=dict)
    event: str | None = None


@dataclass(frozen=True)
class Choice:
    """A button (chat) or numbered option (USSD): what to show and what to send back."""

    label: str
    value: str


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[Choice, ...] = ()
    end_session: bool = False
