"""`ansinh bot telegram --set-webhook URL` registers the webhook, with the secret Telegram must echo."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from ansinh.cli import main
from tests.support.standins.server import StandIn
from tests.support.standins_bot import TelegramBotApi

URL = "https://ansinh.example.vn/telegram/webhook"


@pytest.fixture
def bot_api(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray .env
    with StandIn() as standin:
        yield TelegramBotApi().mount(standin)


def run(bot_api, *args: str, **env: str | None):
    environment = {"TELEGRAM_BOT_TOKEN": "7000000001:TEST-cli", "TELEGRAM_WEBHOOK_SECRET": "hook-secret",
                   "TELEGRAM_API_BASE_URL": f"{bot_api.standin.url}/bot", **env}
    return CliRunner().invoke(main, ["bot", "telegram", *args], env=environment)


def test_set_webhook_registers_the_url_with_the_secret(bot_api):
    result = run(bot_api, "--set-webhook", URL)
    assert result.exit_code == 0, result.output
    [call] = bot_api.calls("setWebhook")
    assert call["url"] == URL and call["secret_token"] == "hook-secret"
    assert call["allowed_updates"] == ["message", "callback_query"]


def test_set_webhook_without_a_secret_is_refused_before_calling_telegram(bot_api):
    result = run(bot_api, "--set-webhook", URL, TELEGRAM_WEBHOOK_SECRET=None)
    assert result.exit_code == 1 and "TELEGRAM_WEBHOOK_SECRET" in result.output
    assert bot_api.calls("setWebhook") == []


def test_telegram_refusing_the_webhook_is_reported_without_a_traceback(bot_api):
    bot_api.fail_next("setWebhook", 400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
    result = run(bot_api, "--set-webhook", URL)
    assert result.exit_code == 1 and "bad webhook" in result.output.lower()
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [[], ["--polling", "--set-webhook", URL]])
def test_exactly_one_mode_is_required(bot_api, args):
    result = run(bot_api, *args)
    assert result.exit_code == 2 and "đúng một trong hai: --polling hoặc --set-webhook URL" in result.output


def test_a_missing_token_is_said_plainly(bot_api):
    result = run(bot_api, "--polling", TELEGRAM_BOT_TOKEN=None)
    assert result.exit_code == 1 and "TELEGRAM_BOT_TOKEN" in result.output
