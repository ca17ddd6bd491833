"""`ansinh serve --workers 2` starts answering every time, with messages waiting to be sent.

A thread alive in the gunicorn master when it forks a worker can hold a lock (an import lock, a
logging lock) that the worker then waits on for ever. So the dispatcher must not run in the
master. For 20 starts in a row the test checks that the master has one thread (in /proc, and its
pre_fork hook logged no other at any fork), that both workers report ready, and that the service
answers /healthz, a USSD turn, a signed Twilio SMS and a Telegram update (its answer reaching the
Bot API stand-in).

A stuck worker never answers; gunicorn kills it after its 30 s timeout and forks another, which
could then answer. So the two workers forked at start must be the two that report ready. The
deadline only bounds how long the test waits: a stuck worker never answers, while a healthy start
answers within seconds on an idle machine but may take a minute on one busy with other work.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from core.outbox.writes import enqueue
from tests.support.processes import free_port, terminate
from tests.support.standins.twilio import twilio_standin
from tests.support.standins_bot import TelegramBotApi, private_message
from tests.support.ussd_factories import (
    LAI_PHONE,
    ansinh_command,
    build_world,
    worker_env,
)

pytestmark = pytest.mark.slow  # starts processes

STARTS = 20
AT_ONCE = 2  # servers starting side by side (each is a master and two workers)
DEADLINE = 180.0  # seconds from the start command to the last answer
QUEUED = 5  # messages per channel waiting in the outbox when each server starts
USSD_KEY = "ussd-gateway-key"
TELEGRAM_SECRET = "telegram-webhook-secret"
BOOTING = re.compile(r"Booting worker with pid: (\d+)")
READY = re.compile(r"Worker ready \(pid: (\d+)\)")
# Redis outlives test runs and remembers session ids, MessageSids and update ids: new ones each run.
RUN = secrets.randbelow(10**9)


def _request(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def _first_two_ready(log: str) -> bool:
    booted = BOOTING.findall(log)[:2]
    return len(booted) == 2 and set(booted) <= set(READY.findall(log))


def _threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


@pytest.fixture
def standin():
    api, _messages = twilio_standin(delay=0.01)
    telegram = TelegramBotApi().mount(api)
    yield api, telegram
    api.stop()


def _queue_backlog(sessions, start: int) -> None:
    """Messages due at once, so the dispatcher is busy (importing senders, sending) while workers boot."""
    with sessions.begin() as session:
        for index in range(QUEUED):
            enqueue(session, channel="sms", address=f"+849{start:02d}{index:05d}", text=f"Thong bao {index}",
                    kind="notification", key=f"start-{start}-sms-{index}")
            enqueue(session, channel="telegram", address=str(500000 + start * 1000 + index),
                    text=f"Thông báo {index}", kind="notification", key=f"start-{start}-tg-{index}")


def _one_start(start: int, env: dict, tmp_path: Path, telegram: TelegramBotApi) -> float:
    port, chat = free_port(), RUN * 100 + start  # a new chat each time, as for the update ids
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / f"serve-{start}.log"
    began = time.monotonic()
    with log_path.open("w") as log:
        server = subprocess.Popen(ansinh_command("serve", "--workers", "2", "--port", str(port)), env=env,
                                  cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    deadline = began + DEADLINE

    def within(what: str, attempt) -> str:
        while time.monotonic() < deadline:
            try:
                answer = attempt()
            except OSError:
                answer = None
            if answer:
                return answer
            time.sleep(0.1)
        raise AssertionError(f"start {start}: {what} not answered within {DEADLINE:.0f} s:\n"
                             + log_path.read_text()[-3000:])

    try:
        within("/healthz", lambda: _request(f"{base}/healthz")[0] == 200)
        assert _threads(server.pid) == 1, f"start {start}: threads in the gunicorn master"
        ussd = {"X-AnSinh-Key": USSD_KEY}

        def dial(text: str) -> str:
            form = {"sessionId": f"start{RUN}x{start}", "phoneNumber": LAI_PHONE, "input": text}
            return _request(f"{base}/ussd/session", urllib.parse.urlencode(form).encode(), ussd)[1]

        within("USSD menu", lambda: dial("").startswith("CON "))
        screen = dial("1")
        assert "750.000d" in screen, screen
        form = {"MessageSid": f"SMstart{RUN}x{start}", "From": LAI_PHONE, "To": "+15005550006",
                "Body": "tien thang nay ve chua"}
        signature = RequestValidator("standin-token").compute_signature("http://testserver/sms/twilio", form)
        status, twiml = _request(f"{base}/sms/twilio", urllib.parse.urlencode(form).encode(),
                                 {"X-Twilio-Signature": signature})
        assert status == 200 and "750.000d" in twiml, twiml
        update = json.dumps(private_message(RUN * 100 + start, chat, "/start")).encode()
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
        status, _ = _request(f"{base}/telegram/webhook", update, headers)
        assert status == 200
        within("the Telegram answer", lambda: any(str(m["chat_id"]) == str(chat) for m in telegram.sent()))
        within("both workers ready", lambda: _first_two_ready(log_path.read_text()))
        took = time.monotonic() - began
    finally:
        stopped = terminate(server)
    assert "threads alive in the gunicorn master" not in log_path.read_text()
    assert "WORKER TIMEOUT" not in log_path.read_text()
    assert stopped == 0, log_path.read_text()[-3000:]
    return took


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads through /proc")
def test_twenty_starts_with_messages_queued_all_answer(sessions, database_url_for_run, standin, tmp_path):
    api, telegram = standin
    build_world(sessions)
    redis = os.environ.get("ANSINH_TEST_REDIS_URL")
    extra = {"ANSINH_REDIS_URL": redis} if redis else {}
    env = worker_env(database_url_for_run, api.url, ANSINH_SIMULATOR="off", ANSINH_USSD_SECRET=USSD_KEY,
                     TELEGRAM_BOT_TOKEN="7000000001:TEST-token", TELEGRAM_WEBHOOK_SECRET=TELEGRAM_SECRET,
                     TELEGRAM_API_BASE_URL=f"{api.url}/bot", **extra)
    took: list[float] = []
    for first in range(0, STARTS, AT_ONCE):
        starts = range(first, min(STARTS, first + AT_ONCE))
        for start in starts:
            _queue_backlog(sessions, start)
        with ThreadPoolExecutor(AT_ONCE) as pool:
            took += [result.result() for result in [pool.submit(_one_start, start, env, tmp_path, telegram)
                                                    for start in starts]]
    print(f"starts answered after {min(took):.1f} to {max(took):.1f} s")
