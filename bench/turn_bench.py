"""What one webhook turn costs in the web worker itself, without the server and the load
generator: USSD screens (half dial-ins, half "1" on a new session) and signed SMS with their own
MessageSid, against the bare Flask endpoint of the web benchmark, all called through the WSGI
interface in one process with the demo province loaded.

Reports CPU µs per request (process time: steadier than wall time on a shared machine) and, with
BENCH_CALLGRIND=1 and valgrind installed, instructions per request counted by callgrind (two runs
of different lengths, subtracted, so start-up cancels out; the same count whatever else runs).

    python -m bench turn                      # SQLite, fresh demo database
    BENCH_DATABASE_URL=… BENCH_REDIS_URL=… python -m bench turn
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REQUESTS = int(os.environ.get("BENCH_TURNS", "2000"))
WARM = 50
TOKEN, PUBLIC_URL = "bench-token", "http://bench.local"
ROUTES = ("bare_ussd", "bare_sms", "ussd", "sms")


def _environs(route: str, phones: list[str], count: int) -> list[dict]:
    from twilio.request_validator import RequestValidator
    from werkzeug.test import EnvironBuilder

    validator, run, out = RequestValidator(TOKEN), f"{time.time_ns()}", []
    for i in range(count):
        if route.endswith("ussd"):
            body = urlencode({"sessionId": f"t{run}-{i}", "serviceCode": "*384*46#", "phoneNumber": phones[i % len(phones)],
                              "networkCode": "45204", "text": "1" if i % 2 else ""})
            builder = EnvironBuilder(path="/ussd/africastalking", method="POST", data=body,
                                     content_type="application/x-www-form-urlencoded")
        else:
            params = {"MessageSid": f"SMt{run}{i:08d}", "From": phones[i % len(phones)], "To": "+15005550006",
                      "Body": "tien thang nay ve chua"}
            builder = EnvironBuilder(path="/sms/twilio", method="POST", data=urlencode(params), base_url=PUBLIC_URL,
                                     content_type="application/x-www-form-urlencoded",
                                     headers={"X-Twilio-Signature": validator.compute_signature(PUBLIC_URL + "/sms/twilio", params)})
        out.append(builder.get_environ())
    return out


def measure(route: str, count: int) -> dict:
    """In this process: `count` requests after WARM unmeasured ones; CPU µs per request."""
    from sqlalchemy import text

    from ansinh.runtime import Runtime
    from core.settings import Settings

    if route.startswith("bare"):
        from bench.bare_app import create_app as bare

        app = bare()
    else:
        from ansinh import create_app
        from ansinh.gunicorn_app import warm_up

        app = create_app()
        warm_up(app)
    runtime = Runtime(Settings.from_env())
    with runtime.engine.connect() as connection:
        phones = [row[0] for row in connection.execute(text("SELECT address FROM identities WHERE kind = 'phone' LIMIT 2000"))]
    environs = _environs(route, phones, WARM + count)
    statuses: set[str] = set()
    answers: list[bytes] = []

    def start_response(status, _headers, _exc=None):
        statuses.add(status)

    def call(environ: dict) -> None:
        answers.append(b"".join(app.wsgi_app(environ, start_response)))

    for environ in environs[:WARM]:
        call(environ)
    answers.clear()
    started = time.process_time()
    for environ in environs[WARM:]:
        call(environ)
    cpu = time.process_time() - started
    apologies = sum(1 for answer in answers if b"Xin loi" in answer)
    return {"cpu_us": round(cpu / count * 1e6, 1), "statuses": sorted(statuses), "apologies": apologies}


def _child(route: str, count: int, env: dict, valgrind: bool) -> tuple[dict | None, int | None]:
    command = [str(BIN / "python"), "-m", "bench.turn_bench", "--one", route, str(count)]
    if valgrind:
        command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + command
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    collected = re.search(r"Collected : (\d+)", done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1]), int(collected.group(1)) if collected else None


def run() -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="ansinh-turn-"))
    env = dict(os.environ)
    env.update({"ANSINH_DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.db'}"),
                "ANSINH_SECRET_KEY": "bench", "ANSINH_PUBLIC_URL": PUBLIC_URL, "TWILIO_AUTH_TOKEN": TOKEN,
                "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_FROM": "+15005550006", "ANSINH_QUIET_HOURS": "off"})
    if os.environ.get("BENCH_REDIS_URL"):
        env["ANSINH_REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    subprocess.run([str(BIN / "ansinh"), "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([str(BIN / "ansinh"), "demo"], env=env, check=True, capture_output=True)
    results: dict = {"database": env["ANSINH_DATABASE_URL"].split(":")[0], "redis": bool(env.get("ANSINH_REDIS_URL")),
                     "requests": REQUESTS}
    callgrind = os.environ.get("BENCH_CALLGRIND") == "1" and shutil.which("valgrind") is not None
    for route in ROUTES:
        results[route], _ = _child(route, REQUESTS, env, valgrind=False)
        if callgrind:  # 60 and 260 requests: the difference is 200 requests' instructions
            _, short = _child(route, 60, env, valgrind=True)
            _, long = _child(route, 260, env, valgrind=True)
            results[route]["instructions"] = (long - short) // 200
    for route in ("ussd", "sms"):
        bare = results[f"bare_{route}"]
        results[f"ratio_{route}_cpu"] = round(results[route]["cpu_us"] / bare["cpu_us"], 2)
        if callgrind:
            results[f"ratio_{route}_instructions"] = round(results[route]["instructions"] / bare["instructions"], 2)
    shutil.rmtree(workdir, ignore_errors=True)
    return results


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure(sys.argv[2], int(sys.argv[3]))))
    else:
        print(json.dumps(run(), indent=2))
