"""Starting a process (CLI command, web worker, dispatcher) must not briefly take far more memory
than it keeps: an Argon2 hash made at import time used to take 64 MiB in every process."""
from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # starts processes

# VmHWM (peak RSS of this program since exec) rather than ru_maxrss, which also counts the pytest
# process the child was forked from.
PROBE = (
    "import ansinh.cli, ansinh.gunicorn_app, ansinh.dispatching, console, ussd, bot\n"
    "status = dict(line.split(':', 1) for line in open('/proc/self/status'))\n"
    "print(int(status['VmHWM'].split()[0]) - int(status['VmRSS'].split()[0]))\n"
)


def test_importing_every_entry_point_keeps_no_transient_peak():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    transient_kib = int(out.stdout.strip())
    assert transient_kib < 20 * 1024, f"start-up peaked {transient_kib // 1024} MiB above what it keeps"
