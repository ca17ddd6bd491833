"""Scaled out (PostgreSQL and Redis): two web processes and three workers handle a scripted mix of
USSD sessions, SMS questions, a registration and an approved broadcast. Every reply is right and
every message reaches the (non-deduplicating) Twilio stand-in exactly once. Not timed."""
from __future__ import annotations

import json
import signal
import subprocess
import urllib.parse
import urllib.request
import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from ansinh.demo.calendar import demo_months
from core.clock import Clock
from core.models import Beneficiary, OutboxMessage
from tests.support.processes import free_port, pending, wait_until
from tests.support.standins.twilio import MESSAGES_PATH, idempotency_key, twilio_standin
from tests.support.ussd_factories import USSD_AUTH, ansinh_command, worker_env

pytestmark = pytest.mark.slow  # starts processes

LAI_PHONE, LAI_CODE = "0978451203", "BT4600001"
NEWCOMER = "+84912000111"


@pytest.fixture
def scaled(settings, database_url_for_run):
    if settings.is_sqlite or not settings.database_url.startswith("postgresql"):
        pytest.skip("several web processes and workers share one database only on PostgreSQL")
    import os

    redis_url = os.environ.get("ANSINH_TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("ANSINH_TEST_REDIS_URL not set")
    return redis_url


def _post(url: str, form: dict, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode("utf-8")


def _run(env, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(ansinh_command(*args), env=env, input=stdin, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _up(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_two_web_processes_and_three_workers(scaled, database_url_for_run, sessions, tmp_path):
    standin, _provider = twilio_standin(delay=0.005, dedupe=False)
    env = worker_env(database_url_for_run, standin.url, ANSINH_REDIS_URL=scaled,
                     ANSINH_OUTBOX_LEASE_SECONDS="30",
                     ANSINH_SCHEDULER_INTERVAL="0", ANSINH_SIMULATOR="off")
    _run(env, "demo", "--scale", "0.02")  # dated from today, as the servers' clock is
    today = Clock().today()
    this_month = f"{today.year:04d}-{today.month:02d}"
    # Early in a month its money is still on its way; the demo says so for this month too.
    paid_status = "da chi tra" if this_month in demo_months(today).results else "cho chi tra"
    processes: list[subprocess.Popen] = []
    ports = [free_port(), free_port()]
    try:
        for port in ports:
            processes.append(subprocess.Popen(ansinh_command("serve", "--workers", "1", "--port", str(port),
                                                             "--no-dispatch"),
                                              env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL))
        for index in range(3):
            processes.append(subprocess.Popen(ansinh_command("worker", "--concurrency", "2"), env=env,
                                              cwd=tmp_path,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        assert wait_until(lambda: all(_up(p) for p in ports), 60), "web processes did not come up"

        # Redis outlives test runs: a reused MessageSid would be answered from dedupe
        run_id = uuid.uuid4().hex[:12]
        # USSD: a session's first screen on one process, its next input on the other (state in Redis).
        for n in range(10):
            first, second = ports[n % 2], ports[(n + 1) % 2]
            turn = {"sessionId": f"mp{run_id}{n}", "phoneNumber": LAI_PHONE}
            status, menu = _post(f"http://127.0.0.1:{first}/ussd/session", {**turn, "input": ""}, USSD_AUTH)
            assert status == 200 and menu.startswith("CON ")
            status, answer = _post(f"http://127.0.0.1:{second}/ussd/session", {**turn, "input": "1"},
                                   USSD_AUTH)
            assert "750.000d" in answer and paid_status in answer

        # SMS on both processes, signed as Twilio signs.
        validator = RequestValidator("standin-token")
        for n, text in enumerate(["tien thang nay ve chua", "TC", "rang it rua",
                                  f"DK {LAI_CODE} 12/03/1951"]):
            sender = NEWCOMER if text.startswith("DK") else "+84978451203"
            form = {"MessageSid": f"SMmp{run_id}{n}", "From": sender, "To": "+15005550006", "Body": text}
            signature = validator.compute_signature("http://testserver/sms/twilio", form)
            status, twiml = _post(f"http://127.0.0.1:{ports[n % 2]}/sms/twilio", form,
                                  {"X-Twilio-Signature": signature})
            assert status == 200 and "<Response>" in twiml
            if n == 0:
                assert "750.000d" in twiml
            if n == 2:
                assert "500.000d x he so 1,5 = 750.000d" in twiml
            if n == 3:
                assert "…1203" in twiml or "...1203" in twiml

        # A broadcast to Lài's commune, approved by a province administrator.
        with sessions() as session:
            unit = session.scalar(select(Beneficiary.unit_code).where(Beneficiary.code == LAI_CODE))
        _run(env, "officer", "create", "lan", "--role", "commune", "--unit", unit, "--password-stdin",
             stdin="mat-khau-dai-1\n")
        _run(env, "officer", "create", "tinh", "--role", "province", "--password-stdin",
             stdin="mat-khau-dai-2\n")
        broadcast_id = _run(env, "broadcast", "create", "--as", "lan", "--unit", unit,
                            "--text",
                            "Thông báo: chi trả tiền mặt tháng 12 từ ngày 02/12.").strip().splitlines()[-1]
        _run(env, "broadcast", "approve", broadcast_id, "--as", "tinh")

        assert wait_until(lambda: pending(sessions) == 0, 240), "messages still queued"
        shown = json.loads(_run(env, "broadcast", "show", broadcast_id))
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        standin.stop()

    requests = standin.requests_to(MESSAGES_PATH, "POST")
    keys = Counter(idempotency_key(r) for r in requests)
    assert keys and max(keys.values()) == 1, "a message was sent twice"
    with sessions() as session:
        sent = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")
        )
        otps = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "otp")
        )
    assert sent == len(requests)
    assert otps == 1 and any(
        r.form.get("To") == "+84978451203" and "BT" not in r.form.get("Body", "") for r in requests
    )
    assert shown["recipients"] > 0 and shown["sent"] == shown["recipients"]
