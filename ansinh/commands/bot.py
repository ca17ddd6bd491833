"""`ansinh bot telegram --polling` (development) and `ansinh bot telegram --set-webhook URL`."""
from __future__ import annotations

import asyncio

import click

from ansinh.cli_errors import USAGE_EXIT, CliFailure
from ansinh.cli_support import pass_state
from core.parts import RuntimeParts
from core.i18n import translator


def register(main: click.Group) -> None:
    @main.group(help="chat bots (Telegram; Zalo runs through the web service's webhook)")
    def bot() -> None:
        pass

    @bot.command(help="run the Telegram bot by long polling, or register its webhook")
    @click.option("--polling", is_flag=True,
                  help="fetch updates with getUpdates and answer them (development)")
    @click.option("--set-webhook", "webhook_url", metavar="URL",
                  help="register URL as the webhook, with TELEGRAM_WEBHOOK_SECRET")
    @click.option("--no-dispatch", is_flag=True,
                  help="with --polling: leave queued answers to `ansinh worker`")
    @pass_state
    def telegram(state, polling: bool, webhook_url: str | None, no_dispatch: bool) -> None:
        t, settings = translator("vi"), state.settings
        if polling == bool(webhook_url):
            raise CliFailure(t._("give exactly one of --polling or --set-webhook URL"), USAGE_EXIT)
        if not settings.telegram_bot_token:
            raise CliFailure(t._("%(name)s is not set", name="TELEGRAM_BOT_TOKEN"))
        if webhook_url:
            _set_webhook(settings, webhook_url)
            return
        _poll(state.runtime, dispatch=not no_dispatch)


def _set_webhook(settings, url: str) -> None:
    from bot.telegram_polling import set_webhook

    t = translator("vi")
    if not settings.telegram_webhook_secret:
        raise CliFailure(t._("%(name)s is not set: the webhook would refuse every update",
                             name="TELEGRAM_WEBHOOK_SECRET"))
    try:
        done = asyncio.run(set_webhook(settings, url))
    except Exception as error:  # say what Telegram answered, without a traceback
        raise CliFailure(t._("Telegram did not accept the webhook: %(reason)s", reason=error)) from error
    if not done:
        raise CliFailure(t._("Telegram did not accept the webhook: %(reason)s", reason="false"))
    click.echo(t._("Webhook set to %(url)s.", url=url))


def _poll(runtime: RuntimeParts, dispatch: bool) -> None:
    from ansinh.dispatching import start_dispatchers, stop_dispatchers
    from bot.telegram_polling import run_polling

    stop, threads = start_dispatchers(runtime, 1) if dispatch else (None, [])
    click.echo("Telegram bot polling; Ctrl-C to stop", err=True)
    try:
        run_polling(runtime)
    finally:
        if stop is not None:
            stop_dispatchers(runtime, stop, threads)
