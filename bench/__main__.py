"""Run every benchmark (or those named on the command line) and save their numbers.

    python -m bench                 # all
    python -m bench nlu import      # some
    BENCH_DATABASE_URL=postgresql+psycopg://… BENCH_NATIONAL_ROWS=300000 python -m bench national  # 3.3M-row
    import (bench/national_bench.py)

Results go to bench/results/latest.json; BENCHMARKS.md summarises them with the machine and date.
"""
from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _benchmarks(selected: list[str]) -> list[str]:
    names = sorted(p.stem[: -len("_bench")] for p in HERE.glob("*_bench.py"))
    return [n for n in names if not selected or n in selected]


def main(argv: list[str]) -> int:
    results = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "benchmarks": {},
    }
    failed = False
    for name in _benchmarks(argv):
        module = importlib.import_module(f"bench.{name}_bench")
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        try:
            outcome = module.run()
        except Exception as error:  # noqa: BLE001 - report and go on with the others
            outcome = {"error": f"{type(error).__name__}: {error}"}
            failed = True
        outcome["wall_seconds"] = round(time.perf_counter() - started, 2)
        results["benchmarks"][name] = outcome
        print(json.dumps(outcome, ensure_ascii=False, indent=2), flush=True)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"saved {out / 'latest.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
