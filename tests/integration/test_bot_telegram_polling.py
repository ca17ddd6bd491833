"""`ansinh bot telegram --polling` as a developer runs it: a real process polling a local Bot API
stand-in (TELEGRAM_API_BASE_URL), answering through its own in-process dispatcher."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from core.clock import Clock
from core.storage.db import transaction
from tests.bot_factory import AMOUNT_VI, GUARDIAN_PHONE, make_family
from tests.standins.server import StandIn
from tests.standins_bot import TelegramBotApi, private_message

GUARDIAN_TG = 111111111
STRANGER_TG = 222222222
TOKEN = "7000000001:TEST-polling"


def _command() -> list[str]:
    script = Path(sys.executable).with_name("ansinh")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from ansinh.cli import main; main()"]


def _environment(database_url: str, api_url: str) -> dict[str, str]:
    env = {k: v for k,
           v in os.environ.items() if not k.startswith(("ANSINH_", "TWILIO_", "TELEGRAM_", "ZALO_"))}
    env.update(ANSINH_DATABASE_URL=database_url, ANSINH_SECRET_KEY="test-secret", ANSINH_QUIET_HOURS="off",
               TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=f"{api_url}/bot")
    return env


@pytest.fixture
def bot_api():
    with StandIn() as standin:
        yield TelegramBotApi().mount(standin)


@pytest.fixture
def family_this_month(sessions):
    """The process uses the real clock, so the payment is for the real current month."""
    today = Clock().today()
    with transaction(sessions) as session:
        return make_family(session, period=today.strftime("%Y-%m"), paid_on=date(today.year, today.month, 1))


def test_polling_answers_start_contact_share_question_and_refuses_a_forwarded_contact(
        bot_api, family_this_month, database_url_for_run, tmp_path):
    bot_api.queue_updates(
        [private_message(1, GUARDIAN_TG, "/start")],
        [private_message(2, GUARDIAN_TG,
                         contact={"phone_number": GUARDIAN_PHONE, "first_name": "Hùng",
                                  "user_id": GUARDIAN_TG})],
        [private_message(3, GUARDIAN_TG, "Tiền tháng này của mẹ về chưa?")],
        [private_message(4, STRANGER_TG,
                         contact={"phone_number": GUARDIAN_PHONE, "first_name": "Hùng",
                                  "user_id": GUARDIAN_TG})],
        [private_message(5, STRANGER_TG, "Tiền tháng này của mẹ về chưa?")],
    )
    process = subprocess.Popen(_command() + ["bot", "telegram", "--polling"], cwd=tmp_path,
                               env=_environment(database_url_for_run, bot_api.standin.url),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        done = bot_api.standin.wait_for(
            lambda requests: sum(r.path.endswith("/sendMessage") for r in requests) >= 5, timeout=30
        )
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert done, (
        f"expected five answers, got {[m['text'][:40] for m in bot_api.sent()]}; the process "
        f"said:\n{output[:3000]}"
    )
    assert bot_api.calls("getUpdates"), "the process never polled"
    to_guardian = [m for m in bot_api.sent() if str(m["chat_id"]) == str(GUARDIAN_TG)]
    to_stranger = [m for m in bot_api.sent() if str(m["chat_id"]) == str(STRANGER_TG)]
    greeting, linked, answer = to_guardian
    assert greeting["text"].startswith("Xin chào ông/bà")
    assert any(
        button.get("request_contact") for row in greeting["reply_markup"]["keyboard"] for button in row
    )
    assert "…5678" in linked["text"]
    assert AMOUNT_VI in answer["text"]
    refusal, stranger_answer = to_stranger
    assert "chính mình" in refusal["text"]
    assert AMOUNT_VI not in stranger_answer["text"] and "Lài" not in stranger_answer["text"]
