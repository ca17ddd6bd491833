"""Sending outbox rows to Telegram with python-telegram-bot's `Bot` (sendMessage).

The dispatcher is synchronous and may run several threads; `Bot` is asynchronous. One event loop
in a daemon thread owns the Bot and its connection pool, and each send waits for its coroutine.
TELEGRAM_API_BASE_URL goes to the library's `base_url`, so a local Bot API server or a test
stand-in can serve. Errors map to the dispatcher's: 429 RetryAfter → TemporaryError(retry_after),
"Forbidden: bot was blocked by the user" (or a deactivated user) → PermanentError(opt_out=True),
other bad requests → PermanentError, timeouts and network errors → TemporaryError.
Telegram sends no delivery receipts: a sent message stays "sent".
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from datetime import timedelta

from bot.keyboards import TELEGRAM_TEXT_LIMIT, to_telegram
from core.outbox.dispatch import PermanentError, SendResult, TemporaryError
from core.conversation.render import fit_chars

logger = logging.getLogger(__name__)
SEND_TIMEOUT = 30.0  # seconds to wait for one sendMessage, connection included


def _retry_after_seconds(error) -> float:  # telegram.error.RetryAfter
    """PTB 22 gives a timedelta once PTB_TIMEDELTA is on (bot/__init__ turns it on); an int, with a
    deprecation warning, only if someone turned it off again."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    channel = "telegram"

    def __init__(self, token: str, base_url: str = "https://api.telegram.org/bot"):
        self.token = token
        self.base_url = base_url
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._bot = None
        self._lock = threading.Lock()

    # -- the private event loop ----------------------------------------------------------------
    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=loop.run_forever, name="telegram-sender", daemon=True)
                self._thread.start()
                self._loop = loop
            return self._loop

    async def _ready_bot(self):
        if self._bot is None:
            from telegram import Bot

            bot = Bot(self.token, base_url=self.base_url)
            await bot.initialize()
            self._bot = bot
        return self._bot

    async def _send_message(self, chat_id: str, text: str, markup):
        bot = await self._ready_bot()
        return await bot.send_message(chat_id=chat_id, text=text, reply_markup=to_telegram(markup))

    # -- the Sender protocol --------------------------------------------------------------------
    def send(self, message) -> SendResult:  # core.models.OutboxMessage
        from telegram.error import (
            BadRequest,
            Forbidden,
            NetworkError,
            RetryAfter,
            TimedOut,
        )

        text, markup = message.text, message.buttons
        text = fit_chars(text, TELEGRAM_TEXT_LIMIT)
        future = asyncio.run_coroutine_threadsafe(self._send_message(message.address, text, markup),
                                                  self._running_loop())
        try:
            sent = future.result(timeout=SEND_TIMEOUT)
        except concurrent.futures.TimeoutError as error:
            future.cancel()
            raise TemporaryError("telegram: no answer in time") from error
        except RetryAfter as error:
            raise TemporaryError(f"telegram: {error}", retry_after=_retry_after_seconds(error)) from error
        except Forbidden as error:  # blocked by the user, user deactivated, kicked from the chat
            raise PermanentError(f"telegram: {error}", opt_out=True) from error
        except BadRequest as error:  # chat not found, message malformed: no retry helps
            raise PermanentError(f"telegram: {error}") from error
        except (TimedOut, NetworkError) as error:
            raise TemporaryError(f"telegram: {error}") from error
        return SendResult(provider_id=f"{message.address}:{sent.message_id}", status="sent")

    def close(self) -> None:
        """Release the connection pool and stop the loop (tests, orderly shutdown)."""
        with self._lock:
            loop, bot, thread = self._loop, self._bot, self._thread
            self._loop, self._bot, self._thread = None, None, None
        if loop is None:
            return
        if bot is not None:
            try:
                asyncio.run_coroutine_threadsafe(bot.shutdown(), loop).result(timeout=5)
            except Exception:  # best effort on the way out
                logger.debug("telegram bot shutdown failed", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        if not thread.is_alive():  # a loop still running cannot be closed; the daemon thread ends with us
            loop.close()
