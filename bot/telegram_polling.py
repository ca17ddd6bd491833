"""Long polling for development: python-telegram-bot's Application fetches updates with
getUpdates (from TELEGRAM_API_BASE_URL) and hands each to the same code path as the webhook,
bot.telegram.answer_update. Answers leave through the outbox, sent by the in-process dispatcher
that `ansinh bot telegram --polling` starts next to it.
"""
from __future__ import annotations

import asyncio
import logging
from core.parts import RuntimeParts

logger = logging.getLogger(__name__)


def build_application(runtime: RuntimeParts):
    """All the wiring in one place: one handler for every kind of update."""
    from telegram import Update
    from telegram.ext import Application, TypeHandler

    from bot.telegram import answer_update

    async def hand_update(update: Update, context) -> None:
        """Pass the update to the shared (synchronous, database-bound) code path."""
        await asyncio.to_thread(answer_update, runtime, update)
        if update.callback_query is not None:
            await update.callback_query.answer()

    async def log_error(update: object, context) -> None:
        """Keep polling after a failed update; it is logged, not lost silently."""
        logger.error("telegram update failed: %s", context.error, exc_info=context.error)

    settings = runtime.settings
    application = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .build()
    )
    application.add_handler(TypeHandler(Update, hand_update))
    application.add_error_handler(log_error)
    return application


def run_polling(runtime: RuntimeParts, poll_timeout: int = 20) -> None:
    """Block until SIGINT/SIGTERM."""
    application = build_application(runtime)
    application.run_polling(allowed_updates=["message", "callback_query"], timeout=poll_timeout,
                            drop_pending_updates=False)


async def set_webhook(settings, url: str) -> bool:
    """Register `url` with Telegram, asking it to send TELEGRAM_WEBHOOK_SECRET with every update."""
    from telegram import Bot

    async with Bot(settings.telegram_bot_token, base_url=settings.telegram_api_base_url) as bot:
        return await bot.set_webhook(url=url, secret_token=settings.telegram_webhook_secret,
                                     allowed_updates=["message", "callback_query"])
