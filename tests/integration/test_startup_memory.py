"""Starting a process (CLI command, web worker, dispatcher) must not briefly take far more memory
than it keeps: an Argon2 hash made at import time used to take 64 MiB in every process."""
from __future__ import annotations

import subprocess
import sys

PROBE = (
    "import resource\n"
    "import ansinh.cli, ansinh.gunicorn_app, ansinh.dispatching, console, ussd, bot\n"
    "kept = int(open('/proc/self/statm').read().split()[1]) * 4096 // 1024\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - kept)\n"
)


def test_importing_every_entry_point_keeps_no_transient_peak():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    transient_kib = int(out.stdout.strip())
    assert transient_kib < 20 * 1024, f"start-up peaked {transient_kib // 1024} MiB above what it keeps"
