"""`ansinh ask --from PHONE [--channel sms|ussd|telegram|zalo] [--today YYYY-MM-DD] TEXT`: one turn
of the conversation as that sender, printed as the channel would show it (SMS without diacritics
and within its segments, USSD within 182 characters, chat unchanged with its buttons)."""
from __future__ import annotations

import logging
from datetime import date

import click

from ansinh.cli_support import pass_state
from core.clock import FakeClock
from core.i18n import translator
from core.conversation.inbound_reply import Inbound
from core.phones import normalize_phone
from core.conversation.render import render_for_channel

logger = logging.getLogger(__name__)

CHANNELS = ("sms", "ussd", "telegram", "zalo")


def _fail(message: str) -> None:
    click.echo(message, err=True)
    raise SystemExit(2)


def register(main: click.Group) -> None:
    @main.command(
        help="one turn of the conversation as that sender; prints the reply as the channel shows it"
    )
    @click.option("--from", "sender", required=True,
                  help="phone number (sms, ussd) or chat id (telegram, zalo)")
    @click.option("--channel", default="sms", show_default=True,
                  type=click.Choice(CHANNELS, case_sensitive=False))
    @click.option("--today", default=None, help="YYYY-MM-DD: answer as if it were that day (09:00)")
    @click.argument("text", nargs=-1)
    @pass_state
    def ask(state, sender: str, channel: str, today: str | None, text: tuple[str, ...]) -> None:
        t = translator("vi")
        channel = channel.lower()
        message = " ".join(text).strip()
        if not message:
            _fail(t._("Please give the message to send, for example: ansinh ask --from 0912345678 \"TC\"."))
        if channel in ("sms", "ussd"):
            phone = normalize_phone(sender)
            if phone is None:
                _fail(t._("«%(value)s» is not a Vietnamese phone number.", value=sender))
            sender = phone
        elif not sender.strip():
            _fail(t._("Please give the chat id with --from."))
        runtime = state.runtime
        dialog = runtime.dialog
        if today:
            try:
                day = date.fromisoformat(today)
            except ValueError:
                _fail(t._("«%(value)s» is not a date (YYYY-MM-DD).", value=today))
            from core.conversation.dialog import Dialog

            dialog = Dialog(runtime.sessions, FakeClock(day, runtime.settings.timezone), runtime.settings,
                            runtime.state)
        replies = dialog.handle(Inbound(channel=channel, sender=sender, text=message))
        for reply in replies:
            click.echo(render_for_channel(reply.text, channel, runtime.settings))
            for choice in reply.choices:
                click.echo(f"[{choice.label}]")
