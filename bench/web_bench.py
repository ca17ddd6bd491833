"""USSD and SMS webhook throughput and latency at 1, 10 and 50 concurrent clients, with the demo
province loaded, against a bare Flask endpoint served identically by gunicorn (the ceiling).

Load comes from `wrk` (Debian) on loopback, bounded in time. The database is a fresh SQLite file,
or PostgreSQL when BENCH_DATABASE_URL is set; with BENCH_REDIS_URL the app keeps USSD sessions,
dedupe keys and rate limits in Redis, as in production (README: production mode). BENCH_THREADS
sets the request threads per worker of both servers. Both servers get the same warm-up (the first
real request answered, then WARMUP of load) before anything is measured. Every USSD request opens its
own session (a dial-in or "1" on a new sessionId), every SMS carries its own MessageSid, so nothing
is answered from stored state; replies that are apologies are counted, so errors cannot pass for speed.

A third server, bench/floor_app.py, runs only AnSinh's statements for the same requests through
the raw drivers (ratio_floor_*): about the most any implementation of these answers could reach on
this machine, next to what AnSinh reaches. On SQLite, and PostgreSQL with Redis; BENCH_FLOOR=0
leaves it out.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONCURRENCY = (1, 10, 50)
DURATION = os.environ.get("BENCH_DURATION", "5s")
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))  # `ansinh serve`'s default
AUTH_TOKEN = "bench-token"
USSD_KEY = "bench-ussd-secret"  # ANSINH_USSD_SECRET: every USSD request carries it, as a gateway does
# More than one run sends: no repeated MessageSid
SMS_BODIES = int(os.environ.get("BENCH_SMS_BODIES", "48000"))
USSD_BODIES = int(os.environ.get("BENCH_USSD_BODIES", "48000"))  # likewise: no repeated sessionId
WARMUP = os.environ.get("BENCH_WARMUP", "2s")
APOLOGY = "Xin loi"  # how both apologies begin (USSD and SMS, Vietnamese, ASCII)
PUBLIC_URL = "http://bench.local"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"port {port} did not come up")


def demo_environment(workdir: Path) -> dict:
    """The app's environment for a benchmark, with the demo province loaded: a fresh SQLite file in
    `workdir`, or BENCH_DATABASE_URL; Redis when BENCH_REDIS_URL is set, as in production."""
    env = dict(os.environ)
    env.update({
        "ANSINH_DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.db'}"),
        "ANSINH_SECRET_KEY": "bench", "ANSINH_IDENTIFIER_KEY": "bench-identifiers",
        "ANSINH_PUBLIC_URL": PUBLIC_URL, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "ANSINH_USSD_SECRET": USSD_KEY,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_FROM": "+15005550006", "ANSINH_QUIET_HOURS": "off",
    })
    if os.environ.get("BENCH_REDIS_URL"):
        env["ANSINH_REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    subprocess.run([str(BIN / "ansinh"), "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([str(BIN / "ansinh"), "demo"], env=env, check=True, capture_output=True)
    return env


def _phones(env: dict) -> list[str]:
    """Phones on file in the demo, taken from the database (a mix of beneficiaries and guardians)."""
    code = (
        "from ansinh.runtime import Runtime; from core.settings import Settings; from sqlalchemy import "
        "select;"
        "from core.models import Identity;"
        "rt=Runtime(Settings.from_env());"
        "s=rt.sessions();"
        "print('\\n'.join(s.scalars(select(Identity.address).where(Identity.kind=='phone').limit(2000))))"
    )
    out = subprocess.run([str(BIN / "python"), "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    return [line for line in out.stdout.split() if line]


def _lua(bodies: list[dict], path: Path) -> None:
    entries = ",\n".join(
        f"{{body={json.dumps(b['body'])}, sig={json.dumps(b.get('sig', ''))}, "
        f"key={json.dumps(b.get('key', ''))}}}" for b in bodies
    )
    path.write_text(
        "bodies = {\n" + entries + "\n}\ncounter = 0\nlocal threads = 0\n"
        # Each run (offset argument: a quarter of the bodies each) and each of its two wrk threads
        # (an eighth each) starts at its own place in the bodies.
        "function setup(thread)\n  thread:set('tid', threads)\n  threads = threads + 1\nend\n"
        "function init(args)\n  counter = tonumber(args[1] or '0') + tid * math.floor(#bodies / 8)\nend\n"
        "request = function()\n  counter = counter + 1\n  local b = bodies[(counter % #bodies) + 1]\n"
        '  local h = {["Content-Type"]="application/x-www-form-urlencoded"}\n'
        '  if b.sig ~= "" then h["X-Twilio-Signature"] = b.sig end\n'
        '  if b.key ~= "" then h["X-AnSinh-Key"] = b.key end\n'
        '  return wrk.format("POST", nil, h, b.body)\nend\n'
        # Apologies are answers too (HTTP 200): count them so errors cannot pass for throughput.
        "apologies = 0\nlocal all_threads = {}\n"
        "local first_setup = setup\nsetup = function(thread)\n  first_setup(thread)\n  "
        "table.insert(all_threads, thread)\nend\n"
        f'response = function(status, headers, body)\n  if string.find(body, "{APOLOGY}", 1, true) then '
        f'apologies = apologies + 1 end\nend\n'
        'done = function(summary, latency, requests)\n  local n = 0\n'
        '  for _, t in ipairs(all_threads) do n = n + (t:get("apologies") or 0) end\n'
        '  io.write("apologies: " .. n .. "\\n")\nend\n',
        encoding="utf-8",
    )


def _wrk(url: str, script: Path, connections: int, offset: int) -> dict:
    threads = min(2, connections)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{DURATION}", "--latency", "-s",
                          str(script), url,
                          "--", str(offset)],
                         capture_output=True, text=True, timeout=120, check=False).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {}
    for pct in ("50", "99"):
        m = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        latency[pct] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    apologies = re.search(r"apologies: (\d+)", out)
    return {"rps": round(rps, 1), "p50_ms": round(latency["50"], 2), "p99_ms": round(latency["99"], 2),
            "non_2xx": int(non2xx.group(1)) if non2xx else 0,
            "apologies": int(apologies.group(1)) if apologies else None}


def _bodies(phones: list[str], count: int | None = None) -> dict[str, list[dict]]:
    """`count` (default BENCH_USSD_BODIES / BENCH_SMS_BODIES) of each, with ids no other call reuses."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(AUTH_TOKEN)
    ussd, sms = [], []
    run = time.time_ns()
    # Half dial in, half choose 1 (this month's money) on a new session
    for i in range(USSD_BODIES if count is None else count):
        ussd.append({"body": urlencode({"sessionId": f"b{run}-{i}", "serviceCode": "*384*46#",
                                        "phoneNumber": phones[i % len(phones)],
                                        "networkCode": "45204", "text": "1" if i % 2 else ""}),
                     "key": USSD_KEY})
    # Every SMS request carries its own MessageSid, so none is answered from the dedupe store.
    for i in range(SMS_BODIES if count is None else count):
        params = {"MessageSid": f"SMbench{run}{i:08d}", "From": phones[i % len(phones)], "To": "+15005550006",
                  "Body": "tien thang nay ve chua"}
        sms.append({"body": urlencode(params),
                    "sig": validator.compute_signature(PUBLIC_URL + "/sms/twilio", params)})
    return {"ussd": ussd, "sms": sms}


def request_headers(body: dict) -> dict:
    """The headers of one benchmark request: Twilio's signature on an SMS, the gateway key on USSD."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if body.get("sig"):
        headers["X-Twilio-Signature"] = body["sig"]
    if body.get("key"):
        headers["X-AnSinh-Key"] = body["key"]
    return headers


def _warm_up(url: str, script: Path, body: dict, offset: int) -> None:
    """Until a worker answers a real request (not just the port), then WARMUP of load, unmeasured."""
    import urllib.request

    headers = request_headers(body)
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=body["body"].encode(),
                                                               headers=headers), timeout=5):
                break
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)
    subprocess.run(["wrk", "-t2", "-c10", f"-d{WARMUP}", "-s", str(script), url, "--", str(offset)],
                   capture_output=True, timeout=120, check=False)


def _serve(env: dict, port: int, kind: str) -> subprocess.Popen:
    """`kind`: "ansinh", or "bare" / "floor" (bench/bare_app.py, bench/floor_app.py) under the same
    gunicorn configuration."""
    if kind in ("bare", "floor"):
        cmd = [str(BIN / "gunicorn"), "-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS), "-b",
               f"127.0.0.1:{port}",
               f"bench.{kind}_app:create_app()"]
    else:
        cmd = [str(BIN / "ansinh"), "serve", "--workers", str(WORKERS), "--threads", str(THREADS), "--port",
               str(port),
               "--no-dispatch"]
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run() -> dict:
    if shutil.which("wrk") is None:
        return {"skipped": "wrk not installed (apt-get install wrk)"}
    workdir = Path(tempfile.mkdtemp(prefix="ansinh-bench-"))
    env = demo_environment(workdir)
    bodies = _bodies(_phones(env))
    results: dict = {"database": env["ANSINH_DATABASE_URL"].split(":")[0],
                     "redis": bool(env.get("ANSINH_REDIS_URL")),
                     "workers": WORKERS, "threads": THREADS, "duration": DURATION}
    # bench/floor_app.py too: AnSinh's statements and nothing else (BENCH_FLOOR=0: not). It knows
    # SQLite, and PostgreSQL with Redis (production mode).
    floor = os.environ.get("BENCH_FLOOR",
                           "1") != "0" and (results["database"] == "sqlite" or results["redis"])
    for kind in ("bare", "floor", "ansinh") if floor else ("bare", "ansinh"):
        port = _free_port()
        server = _serve(env, port, kind)
        try:
            _wait_port(port)
            for route, path in (("ussd", "/ussd/africastalking"), ("sms", "/sms/twilio")):
                script = workdir / f"{route}.lua"
                _lua(bodies[route], script)
                _warm_up(f"http://127.0.0.1:{port}{path}", script, bodies[route][-1],
                         3 * len(bodies[route]) // 4)
                for level, connections in enumerate(CONCURRENCY):
                    key = f"{kind}_{route}_c{connections}"
                    offset = level * len(bodies[route]) // 4  # the last quarter is the warm-up's
                    results[key] = _wrk(f"http://127.0.0.1:{port}{path}", script, connections, offset)
        finally:
            server.terminate()
            server.wait(10)
    for route in ("ussd", "sms"):
        for connections in CONCURRENCY:
            app, bare = results[f"ansinh_{route}_c{connections}"], results[f"bare_{route}_c{connections}"]
            results[f"ratio_{route}_c{connections}"] = round(app["rps"] / bare["rps"],
                                                             3) if bare["rps"] else None
            if floor and bare["rps"]:
                results[f"ratio_floor_{route}_c{connections}"] = round(
                    results[f"floor_{route}_c{connections}"]["rps"] / bare["rps"], 3
                )
    shutil.rmtree(workdir, ignore_errors=True)
    return results


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
