"""SIGTERM in the middle of a broadcast sends nothing twice, for `ansinh worker` and `ansinh serve`.

A broadcast's messages wait in the outbox; the process sending them to a Twilio stand-in (which
records every request it receives and does not dedupe, like Twilio) is stopped with SIGTERM
again and again and started again, then left to finish. Each recipient must have been sent its
message exactly once and each row must hold the provider id the stand-in gave it. The stand-in
answers slowly, so a batch of 50 takes longer than a stopping process used to wait for it.
"""
from __future__ import annotations

import subprocess
from collections import Counter

import pytest
from sqlalchemy import select

from core.models import OutboxMessage
from core.outbox.writes import enqueue
from tests.support.processes import free_port, pending, terminate, wait_until
from tests.support.standins.twilio import MESSAGES_PATH, idempotency_key, twilio_standin
from tests.support.ussd_factories import ansinh_command, worker_env

pytestmark = pytest.mark.slow  # starts processes

RECIPIENTS = 70
PROVIDER_DELAY = 0.25  # seconds per send
LEASE_SECONDS = 2  # a row left claimed by a process that died is sent again this soon


@pytest.mark.parametrize("command, stops", [(("worker", "--concurrency", "2"), 3),
                                            (("serve", "--workers", "1"), 2)], ids=["worker", "serve"])
def test_sigterm_mid_broadcast_sends_each_message_once(command, stops, sessions, database_url_for_run,
                                                       tmp_path):
    with sessions.begin() as session:
        for index in range(RECIPIENTS):
            enqueue(session, channel="sms", address=f"+8491{index:07d}", text=f"Thong bao chi tra {index}",
                    kind="broadcast", key=f"broadcast:7:{index}")
    standin, provider = twilio_standin(delay=PROVIDER_DELAY, dedupe=False)
    env = worker_env(database_url_for_run, standin.url, ANSINH_OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
                     ANSINH_SCHEDULER_INTERVAL="0", ANSINH_SIMULATOR="off")

    def start(run: int) -> subprocess.Popen:
        args = [*command, "--port", str(free_port())] if command[0] == "serve" else list(command)
        with (tmp_path / f"run-{run}.log").open("w") as log:
            return subprocess.Popen(ansinh_command(*args), env=env, cwd=tmp_path, stdout=log,
                                    stderr=subprocess.STDOUT)

    def stop(process: subprocess.Popen, run: int) -> None:
        assert terminate(process) == 0, (tmp_path / f"run-{run}.log").read_text()[-3000:]

    try:
        for run in range(stops):
            seen = len(standin.requests)
            process = start(run)
            try:
                sent = standin.wait_for(lambda requests, seen=seen: len(requests) >= seen + 8, timeout=120)
                assert sent, "nothing was sent"
            finally:
                stop(process, run)
        assert pending(sessions) > 0, "the broadcast was over before the last stop"
        process = start(stops)
        try:
            drained = wait_until(lambda: pending(sessions) == 0, timeout=300)
            assert drained, f"{pending(sessions)} messages still pending"
        finally:
            stop(process, stops)
    finally:
        standin.stop()

    requests = standin.requests_to(MESSAGES_PATH, "POST")
    keys = Counter(idempotency_key(request) for request in requests)
    assert {key for key, count in keys.items() if count > 1} == set()
    assert set(keys) == {f"broadcast:7:{index}" for index in range(RECIPIENTS)}
    recipients = Counter(request.form["To"] for request in requests)
    assert recipients == {f"+8491{index:07d}": 1 for index in range(RECIPIENTS)}
    with sessions() as session:
        rows = list(session.scalars(select(OutboxMessage)))
    assert {row.status for row in rows} == {"sent"}
    assert all(row.provider_id == provider.sids[row.idempotency_key] for row in rows)
