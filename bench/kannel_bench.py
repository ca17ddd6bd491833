"""SMS through Kannel against the same load through Twilio, in the same run.

In: N messages from the demo's phones ("tien thang nay ve chua", each with its own message id)
to Twilio's webhook (signed, answered in TwiML) and to Kannel's get-url (answered through the
outbox), called through the WSGI interface in one process per route with the demo province
loaded: CPU µs per request (process time). Out: N queued SMS sent by one dispatcher through
TwilioSender and KannelSender to local stand-ins of Twilio's API and Kannel's sendsms: messages
per second (wall) and CPU µs per message, the stand-in's share included for both. Twilio is the
baseline of each ratio.

    python -m bench kannel                    # SQLite, fresh demo database
    BENCH_DATABASE_URL=… BENCH_REDIS_URL=… python -m bench kannel
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.web_bench import PUBLIC_URL, _bodies, _phones, demo_environment

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REQUESTS = int(os.environ.get("BENCH_KANNEL_REQUESTS", "1000"))
WARM = 50
KANNEL_KEY = "bench-kannel-key"
ROUTES = ("twilio_in", "kannel_in", "twilio_out", "kannel_out")


def _environs(route: str, count: int) -> list[dict]:
    from werkzeug.test import EnvironBuilder

    sms = _bodies(_phones(dict(os.environ)), count)["sms"]
    if route == "twilio_in":
        return [EnvironBuilder(path="/sms/twilio", method="POST", data=b["body"], base_url=PUBLIC_URL,
                               content_type="application/x-www-form-urlencoded",
                               headers={"X-Twilio-Signature": b["sig"]}).get_environ() for b in sms]
    run = time.time_ns()
    phones = _phones(dict(os.environ))
    return [EnvironBuilder(path="/sms/kannel", method="GET", base_url=PUBLIC_URL, query_string=urlencode({
        "key": KANNEL_KEY, "from": phones[i % len(phones)].lstrip("+"), "to": "8079", "coding": "0",
        "charset": "UTF-8", "id": f"kannel-bench-{run}-{i}", "text": "tien thang nay ve chua"})).get_environ()
        for i in range(count)]


def measure_in(route: str, count: int) -> dict:
    from ansinh import create_app
    from ansinh.gunicorn_app import warm_up

    environs = _environs(route, WARM + count)
    app = create_app()
    warm_up(app)
    statuses: set[str] = set()

    def start_response(status, _headers, _exc=None):
        statuses.add(status)

    for environ in environs[:WARM]:
        b"".join(app.wsgi_app(environ, start_response))
    started = time.process_time()
    bodies = [b"".join(app.wsgi_app(environ, start_response)) for environ in environs[WARM:]]
    cpu = time.process_time() - started
    return {"cpu_us": round(cpu / count * 1e6, 1), "statuses": sorted(statuses),
            "apologies": _apologies(bodies)}


def _apologies(bodies: list[bytes]) -> int:
    """Answers that are the apology: in the TwiML bodies, or (Kannel) queued in the outbox."""
    if any(bodies):
        return sum(1 for body in bodies if b"Xin loi" in body)
    from sqlalchemy import func, select

    from ansinh.runtime import Runtime
    from core.models import OutboxMessage
    from core.settings import Settings

    with Runtime(Settings.from_env()).sessions() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "reply", OutboxMessage.text.like("Xin lỗi%")))


def measure_out(route: str, count: int) -> dict:
    from sqlalchemy import delete, insert

    from ansinh.runtime import Runtime
    from core.outbox.dispatch import Dispatcher
    from core.models import OutboxMessage
    from core.settings import Settings
    from tests.support.standins import Canned, StandIn
    from tests.support.standins.twilio import twilio_standin
    from ussd import make_senders

    if route == "twilio_out":
        standin, _ = twilio_standin(dedupe=False)
        changes = {"sms_provider": "twilio", "twilio_api_base_url": standin.url}
    else:
        standin = StandIn().start()
        standin.route("GET", "/cgi-bin/sendsms", Canned(202, "0: Accepted for delivery"))
        changes = {"sms_provider": "kannel", "kannel_sendsms_url": standin.url + "/cgi-bin/sendsms",
                   "kannel_username": "bench", "kannel_password": "bench", "kannel_from": "8079"}
    runtime = Runtime(Settings.from_env().with_(**changes))
    phones = _phones(dict(os.environ))
    run = time.time_ns()
    with runtime.sessions.begin() as session:
        session.execute(delete(OutboxMessage))
        session.execute(insert(OutboxMessage), [
            {"idempotency_key": f"bench-{route}-{run}-{i}", "channel": "sms",
             "address": phones[i % len(phones)],
             "text": "Tiền trợ cấp tháng 11/2026 đã về.", "kind": "notification", "priority": 5}
            for i in range(WARM + count)])
    dispatcher = Dispatcher(runtime.sessions, make_senders(runtime.settings, runtime.sessions, runtime.clock),
                            runtime.clock, runtime.settings)
    dispatcher.run_once(WARM)
    wall, cpu = time.perf_counter(), time.process_time()
    sent = 0
    while sent < count and (handled := dispatcher.run_once(50)) > 0:
        sent += handled
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    standin.stop()
    return {"sent": sent, "per_second": round(sent / wall, 1), "cpu_us": round(cpu / max(sent, 1) * 1e6, 1)}


def _child(route: str, count: int, env: dict) -> dict:
    done = subprocess.run([str(BIN / "python"), "-m", "bench.kannel_bench", "--one", route, str(count)],
                          env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="ansinh-kannel-"))
    env = {**demo_environment(workdir), "KANNEL_SECRET": KANNEL_KEY,
           "ANSINH_SMS_SPOOL_DIR": str(workdir / "spool")}
    results: dict = {"database": env["ANSINH_DATABASE_URL"].split(":")[0],
                     "redis": bool(env.get("ANSINH_REDIS_URL")),
                     "requests": REQUESTS}
    for route in ROUTES:
        results[route] = _child(route, REQUESTS, env)
    results["ratio_in_cpu"] = round(results["kannel_in"]["cpu_us"] / results["twilio_in"]["cpu_us"], 2)
    results["ratio_out_cpu"] = round(results["kannel_out"]["cpu_us"] / results["twilio_out"]["cpu_us"], 2)
    results["ratio_out_per_second"] = round(
        results["kannel_out"]["per_second"] / results["twilio_out"]["per_second"], 2)
    shutil.rmtree(workdir, ignore_errors=True)
    return results


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        route, count = sys.argv[2], int(sys.argv[3])
        print(json.dumps(measure_in(route, count) if route.endswith("_in") else measure_out(route, count)))
    else:
        print(json.dumps(run(), indent=2))
