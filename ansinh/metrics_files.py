"""Where the processes of `ansinh serve --workers N` keep their counters (prometheus_client's
multiprocess mode): PROMETHEUS_MULTIPROC_DIR when given (emptied at start, as prometheus_client
asks), else a private temporary folder made at start and removed at exit. It is set before any
worker or the dispatcher starts, so each inherits it; a process that ended is marked dead."""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


@contextmanager
def metrics_directory() -> Iterator[str]:
    given = os.environ.get(VARIABLE)
    if given:
        Path(given).mkdir(parents=True, exist_ok=True)
        for left in Path(given).glob("*.db"):  # counters of an earlier run would be added to this one's
            left.unlink()
        yield given
        return
    made = tempfile.mkdtemp(prefix="ansinh-metrics-")
    os.environ[VARIABLE] = made
    try:
        yield made
    finally:
        os.environ.pop(VARIABLE, None)
        shutil.rmtree(made, ignore_errors=True)


def mark_dead(pid: int) -> None:
    """A worker or the dispatcher ended: its live gauges leave the totals (its counters stay)."""
    if os.environ.get(VARIABLE):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


def worker_exited(server, worker) -> None:
    mark_dead(worker.pid)
