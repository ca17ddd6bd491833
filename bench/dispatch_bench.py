"""Dispatch throughput: N queued SMS sent by 1, 2 and 4 `ansinh worker` processes to a local
Twilio stand-in (rate limits off), on PostgreSQL (workers share the queue with SKIP LOCKED).

Prints messages/s per worker count, the ratio against one worker (the baseline, same run), and
checks that every message reached the stand-in exactly once. Needs PostgreSQL: BENCH_DATABASE_URL,
else postgresql+psycopg://postgres@127.0.0.1:5432/test in a schema of its own.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = int(os.environ.get("BENCH_DISPATCH_MESSAGES", "6000"))
WORKER_COUNTS = (1, 2, 4)
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _url() -> tuple[str, str]:
    base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)
    schema = f"bench_dispatch_{os.getpid()}"
    return base, schema


def run() -> dict:
    sys.path.insert(0, str(ROOT))
    from core.storage.db import make_engine, make_session_factory, upgrade
    from core.models import OutboxMessage
    from tests.standins.twilio import MESSAGES_PATH, idempotency_key, twilio_standin

    base, schema = _url()
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    results: dict = {"messages": MESSAGES, "database": "postgresql"}
    try:
        for workers in WORKER_COUNTS:
            with sessions.begin() as session:
                session.execute(text("DELETE FROM outbox"))
                session.execute(insert(OutboxMessage), [
                    {"idempotency_key": f"bench:{workers}:{i}", "channel": "sms", "address": f"+8491{i:07d}",
                     "text": f"Thong bao {i}", "kind": "broadcast", "priority": 9, "status": "queued",
                     "attempts": 0}
                    for i in range(MESSAGES)])
            standin, _ = twilio_standin()
            env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSINH_", "TWILIO_"))}
            env.update(ANSINH_DATABASE_URL=url, ANSINH_QUIET_HOURS="off", ANSINH_SECRET_KEY="bench",
                       ANSINH_IDENTIFIER_KEY="bench-identifiers",
                       ANSINH_SCHEDULER_INTERVAL="0", TWILIO_ACCOUNT_SID="AC" + "1" * 32,
                       TWILIO_AUTH_TOKEN="t",
                       TWILIO_FROM="+15005550006", TWILIO_API_BASE_URL=standin.url)
            started = time.perf_counter()
            procs = [subprocess.Popen([str(Path(sys.executable).parent / "ansinh"), "worker"], env=env,
                                      stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL) for _ in range(workers)]
            try:
                deadline = time.time() + 600
                while time.time() < deadline:
                    with sessions() as session:
                        left = session.scalar(select(func.count()).select_from(OutboxMessage).where(
                            OutboxMessage.status.in_(("queued", "sending"))))
                    if left == 0:
                        break
                    time.sleep(0.1)
                elapsed = time.perf_counter() - started
            finally:
                for proc in procs:
                    proc.terminate()
                for proc in procs:
                    proc.wait(30)
                standin.stop()
            keys = Counter(idempotency_key(r) for r in standin.requests_to(MESSAGES_PATH, "POST"))
            results[f"workers_{workers}"] = {
                "seconds": round(elapsed, 2), "messages_per_s": round(MESSAGES / elapsed, 1),
                "delivered_to_standin": len(keys), "sent_twice": sum(1 for c in keys.values() if c > 1)}
        one = results["workers_1"]["messages_per_s"]
        for workers in WORKER_COUNTS:
            results[f"ratio_{workers}_vs_1"] = round(results[f"workers_{workers}"]["messages_per_s"] / one, 2)
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
    return results


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
