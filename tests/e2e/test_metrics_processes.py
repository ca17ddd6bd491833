"""`ansinh serve --workers 2` with its dispatcher process: traffic on every channel (USSD, Twilio
SMS, Telegram, Zalo) and messages queued for sending, then /metrics, scraped from whichever
worker answers, counts exactly what was sent: requests and turns per channel (web workers) and
sends per channel (the dispatcher process), added up across processes by prometheus_client's
multiprocess mode in the private folder `serve` made (and removed at exit).

The same run logs as JSON (ANSINH_LOG_FORMAT=json): each line parses, request lines carry request
id, route, channel, outcome and duration, and no line holds a phone number, a name or a text
that the run's people sent.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import subprocess
import time
import urllib.parse

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from core.models import OutboxMessage
from core.outbox.writes import enqueue
from core.vietnamese_text import fold
from tests.e2e.test_serve_starts import _request
from tests.support.metrics_support import BEARER, METRICS_TOKEN, total
from tests.support.processes import free_port, pending, terminate, wait_until
from tests.support.standins.twilio import MESSAGES_PATH, twilio_standin
from tests.support.standins_bot import TelegramBotApi, ZaloApi, private_message
from tests.support.ussd_factories import (
    HUNG_PHONE,
    LAI_PHONE,
    QUANG_PHONE,
    THO_PHONE,
    ansinh_command,
    build_world,
    worker_env,
)

pytestmark = pytest.mark.slow  # starts processes
RUN = secrets.randbelow(10**9)  # Redis outlives runs and remembers ids: new ones each run
USSD_KEY, TELEGRAM_SECRET = "ussd-gateway-key", "telegram-webhook-secret"
ZALO_APP, ZALO_SECRET, ZALO_OA = "2553928453557884079", "oa-secret-key", "3662729599332560487"
PHONES = (LAI_PHONE, THO_PHONE, QUANG_PHONE, HUNG_PHONE)
NAMES = ("Nguyễn Thị Lài", "Hồ Văn Thọ", "Phan Văn Quang", "Trần Văn Hùng", "Phan Văn Lộc", "Trần Thị Sen")
TEXTS = ("tien thang nay ve chua", "Tiền tháng này về chưa", "lich chi tra thang 12")
QUEUED = 4  # notifications waiting to be sent when the server starts


def _queued_phone(index: int) -> str:
    return f"+8490{RUN % 10**6:06d}{index}"


def _zalo_body(user: str, text: str, message_id: str) -> tuple[bytes, dict]:
    event = {"app_id": ZALO_APP, "user_id_by_app": "979122185046046317", "event_name": "user_send_text",
             "sender": {"id": user}, "recipient": {"id": ZALO_OA},
             "message": {"text": text, "msg_id": message_id},
             "timestamp": str(int(time.time() * 1000))}
    raw = json.dumps(event, ensure_ascii=False).encode()
    signed = ZALO_APP.encode() + raw + event["timestamp"].encode() + ZALO_SECRET.encode()
    mac = hashlib.sha256(signed).hexdigest()
    return raw, {"Content-Type": "application/json", "X-ZEvent-Signature": f"mac={mac}"}


def _traffic(base: str) -> dict[str, int]:
    """Requests on every channel, each answered 200; returns how many per channel."""
    sent = {"ussd": 0, "sms": 0, "telegram": 0, "zalo": 0}

    def ok(channel: str, path: str, body: bytes, headers: dict) -> str:
        status, answer = _request(f"{base}{path}", body, headers)
        assert status == 200, (path, status, answer)
        sent[channel] += 1
        return answer

    for session in range(2):
        for value in ("", "1"):
            form = {"sessionId": f"m{RUN}s{session}", "phoneNumber": LAI_PHONE, "input": value}
            ok("ussd", "/ussd/session", urllib.parse.urlencode(form).encode(), {"X-AnSinh-Key": USSD_KEY})
    validator = RequestValidator("standin-token")
    for index, (phone, text) in enumerate(zip((LAI_PHONE, THO_PHONE, HUNG_PHONE), TEXTS)):
        form = {"MessageSid": f"SM{RUN}x{index}", "From": phone, "To": "+15005550006", "Body": text}
        signature = validator.compute_signature("http://testserver/sms/twilio", form)
        ok("sms", "/sms/twilio", urllib.parse.urlencode(form).encode(), {"X-Twilio-Signature": signature})
    for index, text in enumerate(TEXTS):
        update = json.dumps(private_message(RUN + index, RUN + 10 + index, text), ensure_ascii=False).encode()
        ok("telegram", "/telegram/webhook", update,
           {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    for index, text in enumerate(TEXTS[:2]):
        raw, headers = _zalo_body(f"61424948{RUN:010d}{index}", text, f"zmsg{RUN}x{index}")
        ok("zalo", "/zalo/webhook", raw, headers)
    return sent


def _answers(url: str) -> bool:
    try:
        return _request(url)[0] == 200
    except OSError:  # not listening yet
        return False


def _sent_per_channel(sessions) -> dict[str, int]:
    with sessions() as session:
        rows = session.execute(
            select(OutboxMessage.channel, func.count())
            .where(OutboxMessage.status.in_(("sent", "delivered")))
            .group_by(OutboxMessage.channel)
        )
        return dict(rows.all())


@pytest.mark.slow
def test_scraped_counters_equal_the_traffic_across_two_workers_and_the_dispatcher(
        sessions, database_url_for_run, tmp_path):
    build_world(sessions)
    with sessions.begin() as session:
        for index in range(QUEUED):
            enqueue(session, channel="sms", address=_queued_phone(index), text=f"Thong bao {index}",
                    kind="notification", key=f"metrics-{RUN}-{index}")
    api, _ = twilio_standin()
    telegram = TelegramBotApi().mount(api)
    zalo = ZaloApi(valid_access="access-0", valid_refresh="refresh-0").mount(api)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    redis = os.environ.get("ANSINH_TEST_REDIS_URL")
    env = worker_env(database_url_for_run, api.url, ANSINH_SIMULATOR="off", ANSINH_USSD_SECRET=USSD_KEY,
                     TELEGRAM_BOT_TOKEN="7000000001:TEST-token", TELEGRAM_WEBHOOK_SECRET=TELEGRAM_SECRET,
                     TELEGRAM_API_BASE_URL=f"{api.url}/bot", ZALO_APP_ID=ZALO_APP,
                     ZALO_OA_SECRET_KEY=ZALO_SECRET,
                     ZALO_ACCESS_TOKEN="access-0", ZALO_REFRESH_TOKEN="refresh-0",
                     ZALO_APP_SECRET="app-secret",
                     ZALO_API_BASE_URL=api.url, ZALO_OAUTH_BASE_URL=api.url,
                     ANSINH_METRICS_TOKEN=METRICS_TOKEN,
                     ANSINH_LOG_FORMAT="json", ANSINH_SCHEDULER_INTERVAL="0", TMPDIR=str(temporary),
                     **({"ANSINH_REDIS_URL": redis} if redis else {}))
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # `serve` makes its own
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(ansinh_command("-v", "serve", "--workers", "2", "--port", str(port)),
                                  env=env,
                                  cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    try:
        assert wait_until(lambda: _answers(f"{base}/healthz"), 180), log_path.read_text()[-3000:]
        sent = _traffic(base)
        assert wait_until(lambda: pending(sessions) == 0, 120), log_path.read_text()[-3000:]
        delivered = _sent_per_channel(sessions)
        assert delivered.get("sms") == QUEUED and delivered.get("telegram") and delivered.get("zalo")
        assert len(api.requests_to(MESSAGES_PATH)) == QUEUED and len(telegram.sent()) == delivered["telegram"]
        assert len(zalo.delivered) == delivered["zalo"]
        folders = list(temporary.glob("ansinh-metrics-*"))
        assert len(folders) == 1, folders
        pids = {int(m) for m in re.findall(r"Booting worker with pid: (\d+)", log_path.read_text())}
        pids |= {int(m) for m in re.findall(r"dispatcher process (\d+) started", log_path.read_text())}
        assert len(pids) == 3
        assert {f"counter_{pid}.db" for pid in pids} <= {p.name for p in folders[0].iterdir()}
        scrapes = []
        for _ in range(6):  # answered by either worker: each adds up every process's files
            status, exposition = _request(f"{base}/metrics", headers=BEARER)
            assert status == 200
            scrapes.append(exposition)
        assert _request(f"{base}/metrics")[0] == 401
    finally:
        stopped = terminate(server)
        api.stop()
    assert stopped == 0, log_path.read_text()[-3000:]
    assert not list(temporary.iterdir()), "the metrics folder outlived the server"
    for exposition in scrapes:
        for channel, requests in sent.items():
            assert total(exposition, "ansinh_http_requests_total", channel=channel, status="200") == requests
            assert total(exposition, "ansinh_http_request_duration_seconds_count",
                         channel=channel) == requests
            assert total(exposition, "ansinh_turns_total", channel=channel) == requests, channel
        for channel, messages in delivered.items():
            assert total(exposition, "ansinh_outbox_sends_total", channel=channel) == messages, channel
        assert total(exposition, "ansinh_outbox_waiting") == 0
    _check_json_log(log_path.read_text())


def _check_json_log(log: str) -> None:
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "ansinh.requests"]
    assert {line["channel"] for line in requests} >= {"ussd", "sms", "telegram", "zalo"}
    for line in requests:
        assert {"time", "level", "request_id", "route", "channel", "outcome", "duration_ms"} <= set(line)
    assert any(line["logger"] == "gunicorn.error" for line in lines)  # gunicorn's own lines too
    forbidden = [*PHONES, *(p[1:] for p in PHONES), *("0" + p[3:] for p in PHONES), *NAMES,
                 *(fold(name) for name in NAMES), *TEXTS,
                 *(_queued_phone(index) for index in range(QUEUED))]
    for word in forbidden:
        assert word.lower() not in log.lower(), f"{word!r} is in the log"
