"""What one webhook turn costs in the web worker itself, without the server and the load
generator: USSD screens (half dial-ins, half "1" on a new session) and signed SMS with their own
MessageSid, against the bare Flask endpoint of the web benchmark, all called through the WSGI
interface in one process with the demo province loaded; also bench/floor_app.py (the same
requests' statements alone, through the raw drivers), for what the database work itself costs.

Reports CPU µs per request (process time: steadier than wall time on a shared machine) and, with
BENCH_CALLGRIND=1 and valgrind installed, instructions per request counted by callgrind only while
200 measured requests run (not start-up, nor building the requests; the same count whatever else
runs).

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

from bench.web_bench import PUBLIC_URL, _bodies, _phones, demo_environment

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REQUESTS = int(os.environ.get("BENCH_TURNS", "2000"))
WARM = 50
CALLGRIND_REQUESTS = 200
# floor_*: bench/floor_app.py; *_unmetered: the app with ANSINH_METRICS=0, against which "ussd" and "sms"
# (metrics on, in prometheus_client's multiprocess mode as under gunicorn) give the metrics' cost.
ROUTES = ("bare_ussd", "bare_sms", "floor_ussd", "floor_sms", "ussd_unmetered", "sms_unmetered", "ussd",
          "sms")


def _environs(route: str, count: int) -> list[dict]:
    """WSGI environs of the web benchmark's own request bodies (bench.web_bench._bodies)."""
    from werkzeug.test import EnvironBuilder

    kind = "ussd" if "ussd" in route else "sms"
    bodies = _bodies(_phones(dict(os.environ)), count)[kind]
    if kind == "ussd":
        return [EnvironBuilder(path="/ussd/africastalking", method="POST", data=b["body"],
                               content_type="application/x-www-form-urlencoded",
                               headers={"X-AnSinh-Key": b["key"]}).get_environ() for b in bodies]
    return [EnvironBuilder(path="/sms/twilio", method="POST", data=b["body"], base_url=PUBLIC_URL,
                           content_type="application/x-www-form-urlencoded",
                           headers={"X-Twilio-Signature": b["sig"]}).get_environ() for b in bodies]


def _collect(state: str) -> None:
    """Under callgrind (started with --instr-atstart=no): count only the measured requests, not
    start-up or building the requests."""
    if os.environ.get("BENCH_UNDER_CALLGRIND"):
        subprocess.run(["callgrind_control", "-i", state, str(os.getpid())], check=True, capture_output=True)


def measure(route: str, count: int) -> dict:
    """In this process: `count` requests after WARM unmeasured ones; CPU µs per request."""
    environs = _environs(route, WARM + count)
    if route.startswith("bare"):
        from bench.bare_app import create_app as bare

        app = bare()
    elif route.startswith("floor"):
        from bench.floor_app import create_app as floor

        app = floor()
    else:
        from ansinh import create_app
        from ansinh.gunicorn_app import warm_up

        app = create_app()
        warm_up(app)
    statuses: set[str] = set()
    answers: list[bytes] = []

    def start_response(status, _headers, _exc=None):
        statuses.add(status)

    def call(environ: dict) -> None:
        answers.append(b"".join(app.wsgi_app(environ, start_response)))

    for environ in environs[:WARM]:
        call(environ)
    answers.clear()
    _collect("on")
    started = time.process_time()
    for environ in environs[WARM:]:
        call(environ)
    cpu = time.process_time() - started
    _collect("off")
    apologies = sum(1 for answer in answers if b"Xin loi" in answer)
    return {"cpu_us": round(cpu / count * 1e6, 1), "statuses": sorted(statuses), "apologies": apologies}


def _child(route: str, count: int, env: dict, valgrind: bool) -> tuple[dict | None, int | None]:
    command = [str(BIN / "python"), "-m", "bench.turn_bench", "--one", route, str(count)]
    if valgrind:
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                   "--callgrind-out-file=/dev/null"] + command
        env = {**env, "BENCH_UNDER_CALLGRIND": "1"}
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    collected = re.search(r"Collected : (\d+)", done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1]), int(collected.group(1)) if collected else None


def _route_env(route: str, env: dict, workdir: Path) -> dict:
    """Metrics off for the unmetered baseline; for the app itself a fresh PROMETHEUS_MULTIPROC_DIR,
    so its counters are written to files as in `ansinh serve --workers N`."""
    if route.endswith("_unmetered"):
        return {**env, "ANSINH_METRICS": "0"}
    if route in ("ussd", "sms"):
        folder = Path(tempfile.mkdtemp(prefix=f"metrics-{route}-", dir=workdir))
        return {**env, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    return env


def run() -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="ansinh-turn-"))
    env = demo_environment(workdir)
    results: dict = {"database": env["ANSINH_DATABASE_URL"].split(":")[0],
                     "redis": bool(env.get("ANSINH_REDIS_URL")),
                     "requests": REQUESTS}
    callgrind = os.environ.get("BENCH_CALLGRIND") == "1" and shutil.which("valgrind") is not None
    for route in ROUTES:
        if route.startswith("floor") and results["database"] != "sqlite" and not results["redis"]:
            continue
        results[route], _ = _child(route, REQUESTS, _route_env(route, env, workdir), valgrind=False)
        if callgrind:  # counted only while the 200 measured requests run
            _, collected = _child(route, CALLGRIND_REQUESTS, _route_env(route, env, workdir), valgrind=True)
            results[route]["instructions"] = collected // CALLGRIND_REQUESTS
    for route in ("ussd", "sms"):
        bare, unmetered = results[f"bare_{route}"], results[f"{route}_unmetered"]
        results[f"ratio_{route}_metrics_cpu"] = round(results[route]["cpu_us"] / unmetered["cpu_us"], 3)
        if callgrind:
            results[f"ratio_{route}_metrics_instructions"] = round(
                results[route]["instructions"] / unmetered["instructions"], 3)
        results[f"ratio_{route}_cpu"] = round(results[route]["cpu_us"] / bare["cpu_us"], 2)
        if callgrind:
            results[f"ratio_{route}_instructions"] = round(
                results[route]["instructions"] / bare["instructions"], 2
            )
        if f"floor_{route}" in results:
            results[f"ratio_floor_{route}_cpu"] = round(results[f"floor_{route}"]["cpu_us"] / bare["cpu_us"],
                                                        2)
            if callgrind:
                results[f"ratio_floor_{route}_instructions"] = round(
                    results[f"floor_{route}"]["instructions"] / bare["instructions"], 2
                )
    shutil.rmtree(workdir, ignore_errors=True)
    return results


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure(sys.argv[2], int(sys.argv[3]))))
    else:
        print(json.dumps(run(), indent=2))
