"""What the abuse limits cost: a stranger's payment question (one Dialog turn, counted under
`unverified_personal` in the turn's own transaction) against the same turn with the count left
out, in the same run, directly and through the signed SMS webhook; and one count in Redis when a
URL is given.

    .venv/bin/python bench/abuse_bench.py [N] [DATABASE_URL] [REDIS_URL]
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from unittest import mock

from core.clock import FakeClock
from core.storage.db import make_engine, make_session_factory, transaction, upgrade
from core.conversation.dialog import Dialog
from core.conversation import personal
from core.conversation.inbound_reply import Inbound
from core.storage.reference import seed_reference
from core.settings import Settings
from core.storage.state import MemoryStateStore


def _turns(dialog: Dialog, n: int, tag: str) -> list[float]:
    """n strangers (distinct numbers, so none is ever refused) each asking once."""
    # Warm up the parser and catalogs
    dialog.handle(Inbound(channel="sms", sender="+84909999999", text="TC BT0001"))
    times = []
    for i in range(n):
        started = time.perf_counter()
        dialog.handle(Inbound(channel="sms", sender=f"+849{tag}{i:06d}", text=f"TC BT{i:05d}"))
        times.append(time.perf_counter() - started)
    return times


def _webhook_turns(url: str, n: int, tag: str) -> list[float]:
    """The same question through the signed Twilio webhook (Flask test client, in process): the
    turn already commits its MessageSid, so the count shares that commit."""
    from twilio.request_validator import RequestValidator

    from ansinh import create_app

    settings = Settings(database_url=url, secret_key="bench", quiet_hours="off",
                        public_url="http://bench.local",
                        twilio_account_sid="AC" + "0" * 32, twilio_auth_token="bench-token",
                        twilio_from="+15005550006")
    client = create_app(settings).test_client()
    validator = RequestValidator("bench-token")
    times = []
    for i in range(n + 1):
        fields = {"MessageSid": f"SM{tag}{uuid.uuid4().hex[:30]}", "AccountSid": "AC" + "0" * 32,
                  "From": f"+848{tag}{i:06d}",
                  "To": "+15005550006", "Body": f"TC BT{i:05d}", "NumMedia": "0"}
        signature = validator.compute_signature("http://bench.local/sms/twilio", fields)
        started = time.perf_counter()
        response = client.post("/sms/twilio", data=fields, headers={"X-Twilio-Signature": signature})
        if i:  # the first request warms up
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return times


def _ms(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"median_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(ordered[int(len(ordered) * 0.95)] * 1000, 2)}


def run(n: int = 500, url: str | None = None, redis_url: str | None = None) -> dict:
    url = url or os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    redis_url = redis_url or os.environ.get("BENCH_REDIS_URL")
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        seed_reference(session)
    settings = Settings(database_url=url, secret_key="bench", quiet_hours="off")
    clock = FakeClock(date(2026, 11, 26))
    dialog = Dialog(sessions, clock, settings, MemoryStateStore(clock))
    results: dict = {"turns": n, "database": engine.dialect.name}
    with mock.patch.object(personal, "_too_many_questions", lambda turn: None):
        results["stranger_turn_without_limit"] = _ms(_turns(dialog, n, "1"))
    results["stranger_turn_with_limit"] = _ms(_turns(dialog, n, "2"))
    results["added_median_ms"] = round(results["stranger_turn_with_limit"]["median_ms"]
                                       - results["stranger_turn_without_limit"]["median_ms"], 2)
    with mock.patch.object(personal, "_too_many_questions", lambda turn: None):
        results["sms_webhook_without_limit"] = _ms(_webhook_turns(url, n, "1"))
    results["sms_webhook_with_limit"] = _ms(_webhook_turns(url, n, "2"))
    results["sms_added_median_ms"] = round(results["sms_webhook_with_limit"]["median_ms"]
                                           - results["sms_webhook_without_limit"]["median_ms"], 2)
    results["sms_ratio_with_to_without"] = round(results["sms_webhook_with_limit"]["median_ms"]
                                                 / results["sms_webhook_without_limit"]["median_ms"], 2)
    if redis_url:
        from core.abuse import make_guard

        guard = make_guard(settings.with_(redis_url=redis_url), sessions)
        times = []
        for _ in range(n):
            started = time.perf_counter()
            guard.hit("unverified_personal", f"bench:{uuid.uuid4().hex[:12]}")
            times.append(time.perf_counter() - started)
        results["redis_count"] = _ms(times)
    print(results)
    return results


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 500, sys.argv[2] if len(sys.argv) > 2 else None,
        sys.argv[3] if len(sys.argv) > 3 else None)
