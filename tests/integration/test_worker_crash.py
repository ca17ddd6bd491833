"""A killed worker loses nothing and duplicates nothing (PostgreSQL only).

300 SMS are queued; two `ansinh worker` processes send them to a stand-in of Twilio's API that
answers each request after a short delay; one worker is killed with SIGKILL in the middle of its
batch and a third one started. Every message must reach the stand-in, once: the stand-in plays a
provider that honours idempotency keys (TwilioSender passes the outbox key along), and the message
a worker was sending when it died is the only one that may be posted twice — with the same key.
"""
from __future__ import annotations

import signal
import subprocess
from collections import Counter

import pytest
from sqlalchemy import select

from core.models import OutboxMessage
from core.outbox.writes import enqueue
from tests.processes import pending, wait_until
from tests.standins.twilio import MESSAGES_PATH, idempotency_key, twilio_standin
from tests.ussd_factories import ansinh_command, worker_env

COUNT = 300
CONCURRENCY = 2  # dispatcher threads per worker process
LEASE_SECONDS = 3


@pytest.fixture
def postgres(settings):
    if settings.is_sqlite:
        pytest.skip("several workers share the queue only on PostgreSQL")
    return settings


def test_killed_worker_loses_and_duplicates_nothing(postgres, database_url_for_run, sessions, tmp_path):
    with sessions.begin() as session:
        for index in range(COUNT):
            enqueue(session, channel="sms", address=f"+8491{index:07d}", text=f"Thong bao so {index}",
                    kind="notification", key=f"crash-test:{index}")
    standin, provider = twilio_standin(delay=0.02, dedupe=True)
    env = worker_env(database_url_for_run, standin.url, ANSINH_OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS))
    command = ansinh_command("worker", "--concurrency", str(CONCURRENCY))

    def start(name: str) -> subprocess.Popen:
        log = (tmp_path / f"{name}.log").open("w")
        return subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)

    workers = [start("a"), start("b")]
    try:
        assert standin.wait_for(lambda requests: len(requests) >= COUNT // 5,
                                timeout=120), "workers sent nothing"
        victim = workers[0]
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        assert victim.returncode == -signal.SIGKILL
        assert pending(sessions) > 0, "the batch was over before the kill"
        workers.append(start("c"))
        drained = wait_until(lambda: pending(sessions) == 0, timeout=240)
        assert drained, f"{pending(sessions)} messages still pending"
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        standin.stop()

    requests = standin.requests_to(MESSAGES_PATH, "POST")
    keys = Counter(idempotency_key(request) for request in requests)
    expected = {f"crash-test:{index}" for index in range(COUNT)}
    assert set(keys) == expected  # nothing lost, nothing foreign
    repeated = {key: count for key, count in keys.items() if count > 1}
    assert len(repeated) <= CONCURRENCY and all(count == 2 for count in repeated.values()), repeated
    bodies = Counter(request.form["Body"] for request in requests)
    assert set(bodies) == {f"Thong bao so {index}" for index in range(COUNT)}
    with sessions() as session:
        rows = list(session.scalars(select(OutboxMessage)))
    assert {row.status for row in rows} == {"sent"}
    # One provider message each
    assert all(row.provider_id == provider.sids[row.idempotency_key] for row in rows)
    assert len({row.provider_id for row in rows}) == COUNT
