"""Chat channels: Telegram (bot/telegram.py) and Zalo Official Account (bot/zalo.py).

`init_app(app, runtime)` registers both webhooks (each refuses requests it cannot authenticate,
so an unconfigured channel is simply closed); `make_senders(settings, sessions, clock)` returns
the outbox senders of the channels whose credentials are configured (ZNS: bot/zalo_zns.py, with
ZALO_ZNS_TEMPLATES; its file is checked here, at start).
"""
from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from core.parts import RuntimeParts

if TYPE_CHECKING:
    from flask import Flask

logger = logging.getLogger(__name__)
# python-telegram-bot 22 gives time periods (RetryAfter.retry_after, ...) as timedelta when this is
# on, and warns that int periods are deprecated when it is off; we read timedeltas.
os.environ.setdefault("PTB_TIMEDELTA", "true")


def init_app(app: Flask, runtime: RuntimeParts) -> None:
    from bot import telegram, zalo

    telegram.init_app(app, runtime)
    zalo.init_app(app, runtime)


def make_senders(settings, sessions, clock) -> dict:
    senders: dict = {}
    if settings.telegram_bot_token:
        from bot.telegram_sender import TelegramSender

        senders["telegram"] = TelegramSender(settings.telegram_bot_token, settings.telegram_api_base_url)
    if settings.zalo_app_id and (settings.zalo_access_token or settings.zalo_refresh_token):
        from bot.zalo_sender import ZaloSender
        from bot.zalo_tokens import ZaloTokens

        from core.storage.state import make_state_store

        senders["zalo"] = ZaloSender(settings, ZaloTokens(settings, sessions, clock),
                                     state=make_state_store(settings, sessions, clock))
    from core.notify.channels import notify_channels, zns_configured
    from core.notify.zns_templates import load_templates

    notify_channels(settings)  # a wrong order or template file stops the start, named in Vietnamese
    if zns_configured(settings) and load_templates(settings.zalo_zns_templates) is not None:
        from bot.zalo_tokens import ZaloTokens
        from bot.zalo_zns import ZnsSender

        senders["zns"] = ZnsSender(settings, ZaloTokens(settings, sessions, clock))
    return senders
