"""Memory per web worker and per dispatcher, each against a baseline measured in the same run.

Web: `ansinh serve --workers 2 --no-dispatch` with the demo province loaded, then the bare Flask
endpoint (bench/bare_app.py) served by the same gunicorn configuration; each gunicorn worker's
RSS, PSS and USS (private pages) are read from /proc/<pid>/smaps_rollup when idle and after each
of two batches of USSD + SMS requests (the second batch shows whether memory keeps growing).

Dispatcher: one `ansinh worker` draining N queued SMS to the local Twilio stand-in, sampled every
half second, against an idle `python -c` that imports the very modules the worker had loaded.

    .venv/bin/python -m bench memory      # SQLite; BENCH_DATABASE_URL for PostgreSQL
"""
from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.web_bench import (
    AUTH_TOKEN,
    BIN,
    PUBLIC_URL,
    ROOT,
    USSD_KEY,
    _bodies,
    _free_port,
    _phones,
    _serve,
    _wait_port,
    request_headers,
)

REQUESTS = int(os.environ.get("BENCH_MEMORY_REQUESTS", "2000"))  # per route and batch
MESSAGES = int(os.environ.get("BENCH_MEMORY_MESSAGES", "20000"))
CLIENTS = 8
MB = 1024 * 1024


def memory(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (private clean + dirty) of one process in MB, from smaps_rollup."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0]) * 1024
    uss = fields["Private_Clean"] + fields["Private_Dirty"]
    return {"rss": round(fields["Rss"] / MB, 1), "pss": round(fields["Pss"] / MB, 1),
            "uss": round(uss / MB, 1)}


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def _post(port: int, items: list[tuple[str, dict]]) -> dict[int, int]:
    """Send the requests over CLIENTS keep-alive connections; {status: count}."""
    def one_client(share: list[tuple[str, dict]]) -> dict[int, int]:
        statuses: dict[int, int] = {}
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for path, body in share:
            connection.request("POST", path, body["body"], request_headers(body))
            response = connection.getresponse()
            response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
        connection.close()
        return statuses

    total: dict[int, int] = {}
    with ThreadPoolExecutor(CLIENTS) as pool:
        for statuses in pool.map(one_client, [items[i::CLIENTS] for i in range(CLIENTS)]):
            for status, count in statuses.items():
                total[status] = total.get(status, 0) + count
    return total


def _workers_memory(master: int) -> list[dict[str, float]]:
    return [memory(pid) for pid in children(master)]


def _web(env: dict, bodies: dict[str, list[dict]]) -> dict:
    results: dict = {}
    for bare in (True, False):
        label = "bare" if bare else "ansinh"
        port = _free_port()
        server = _serve(env, port, label)
        try:
            _wait_port(port)
            deadline = time.time() + 30
            while len(children(server.pid)) < 2 and time.time() < deadline:
                time.sleep(0.2)
            # Each worker imports lazily on first use
            _post(port, [("/ussd/africastalking", bodies["ussd"][0])])
            samples = {"idle": _workers_memory(server.pid)}
            for batch in (1, 2):
                sms = bodies["sms"][(batch - 1) * REQUESTS: batch * REQUESTS]
                ussd = [bodies["ussd"][i % len(bodies["ussd"])] for i in range(REQUESTS)]
                items = [(path, body) for pair in zip(ussd, sms)
                         for path, body in (("/ussd/africastalking", pair[0]), ("/sms/twilio", pair[1]))]
                statuses = _post(port, items)
                samples[f"after_batch_{batch}"] = _workers_memory(server.pid)
                samples[f"batch_{batch}_statuses"] = statuses
            results[label] = samples
        finally:
            server.terminate()
            server.wait(20)
    for stage in ("idle", "after_batch_1", "after_batch_2"):
        bare = max(w["uss"] for w in results["bare"][stage])
        app = max(w["uss"] for w in results["ansinh"][stage])
        results[f"uss_ratio_{stage}"] = round(app / bare, 2)
    return results


def _queue(url: str, count: int) -> None:
    from core.storage.db import make_engine, make_session_factory
    from core.outbox.bulk import enqueue_many

    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        enqueue_many(session,
                     [{"idempotency_key": f"membench:{i}", "channel": "sms", "address": f"+8491{i:07d}",
                                "text": f"Thong bao so {i}: tien thang 11/2026 da ve.", "kind": "broadcast"}
                               for i in range(count)])
    engine.dispose()


def _left(sessions) -> int:
    from sqlalchemy import func, select

    from core.models import OutboxMessage

    with sessions() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status.in_(("queued", "sending")),
            OutboxMessage.idempotency_key.like("membench:%")))


_MODULES = ("import sys; from ansinh.cli import main; main(['worker', '--once'], standalone_mode=False);"
            "print('\\n'.join(sorted(sys.modules)), file=open(sys.argv[1], 'w'))")
_IDLE = ("import importlib, sys, time\nfor name in open(sys.argv[1]).read().split():\n"
         "    try:\n        importlib.import_module(name)\n    except Exception:\n        pass\n"
         "print('ready', flush=True)\ntime.sleep(600)\n")


def _dispatcher(env: dict, workdir: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from core.storage.db import make_engine, make_session_factory
    from tests.standins.twilio import MESSAGES_PATH, idempotency_key, twilio_standin

    standin, _ = twilio_standin()
    env = dict(env, ANSINH_SCHEDULER_INTERVAL="0", TWILIO_API_BASE_URL=standin.url)
    modules = workdir / "modules.txt"
    subprocess.run([str(BIN / "python"), "-c", _MODULES, str(modules)], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    idle = subprocess.Popen([str(BIN / "python"), "-c", _IDLE, str(modules)], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    idle.stdout.readline()
    baseline = memory(idle.pid)
    idle.terminate()
    idle.wait(10)
    _queue(env["ANSINH_DATABASE_URL"], MESSAGES)
    engine = make_engine(env["ANSINH_DATABASE_URL"])
    sessions = make_session_factory(engine)
    worker = subprocess.Popen([str(BIN / "ansinh"), "worker"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = []
    started = time.perf_counter()
    try:
        deadline = time.time() + 900
        while time.time() < deadline:
            left = _left(sessions)
            samples.append({"s": round(time.perf_counter() - started, 1), "sent": MESSAGES - left,
                            **memory(worker.pid)})
            if left == 0:
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(30)
        standin.stop()
        engine.dispose()
    sent = [s for s in samples if s["sent"] >= MESSAGES * 0.1]
    keys = {idempotency_key(r) for r in standin.requests_to(MESSAGES_PATH, "POST")}
    return {
        "messages": MESSAGES, "delivered_to_standin": len(keys), "seconds": samples[-1]["s"],
        "idle_imports_baseline": baseline, "worker_first": samples[0],
        "worker_at_10pct": sent[0] if sent else None,
        "worker_end": samples[-1], "worker_peak_rss": max(s["rss"] for s in samples),
        "uss_ratio_end": round(samples[-1]["uss"] / baseline["uss"], 2),
        "rss_growth_10pct_to_end_mb": round(samples[-1]["rss"] - sent[0]["rss"], 1) if sent else None,
        "samples": samples[:: max(1, len(samples) // 20)],
    }


def run() -> dict:
    from bench.broadcast_bench import _database, _drop

    workdir = Path(tempfile.mkdtemp(prefix="ansinh-bench-"))
    url, folder, schema = _database()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSINH_", "TWILIO_"))}
    env.update({
        "ANSINH_DATABASE_URL": url, "ANSINH_SECRET_KEY": "bench",
        "ANSINH_IDENTIFIER_KEY": "bench-identifiers",
        "ANSINH_PUBLIC_URL": PUBLIC_URL,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_FROM": "+15005550006",
        "ANSINH_QUIET_HOURS": "off", "ANSINH_USSD_SECRET": USSD_KEY,
    })
    try:
        subprocess.run([str(BIN / "ansinh"), "db", "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run([str(BIN / "ansinh"), "demo"], env=env, check=True, capture_output=True)
        bodies = _bodies(_phones(env))
        return {"database": url.split(":")[0], "requests_per_batch": 2 * REQUESTS,
                "web": _web(env, bodies), "dispatcher": _dispatcher(env, workdir)}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
        if schema:
            _drop(schema)


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
