"""The dispatcher process that gunicorn's master keeps beside its web workers (`serve --workers`):
started, started again when it dies (at once after a long run, after a pause when it keeps dying),
replaced on reload, stopped with SIGTERM; and `ansinh worker --parent PID` ends by itself once
PID is not its parent any more (the master was killed), instead of sending on as an orphan."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from ansinh.dispatch_process import DispatcherProcess
from tests.support.ussd_factories import ansinh_command, worker_env

pytestmark = pytest.mark.slow  # starts processes

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


class Clock:
    def __init__(self):
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def _alive(process: subprocess.Popen) -> bool:
    return process.poll() is None


def test_a_dead_dispatcher_is_started_again_and_a_stopped_one_is_not():
    clock = Clock()
    child = DispatcherProcess(SLEEPER, now=clock.monotonic)
    try:
        child.keep_running()
        first = child.process
        assert _alive(first)
        child.keep_running()
        assert child.process is first  # running: left alone

        first.kill()
        first.wait()
        child.keep_running()  # died at once after its start: not again straight away
        assert child.process is None
        clock.now += 2.5
        child.keep_running()
        second = child.process
        assert second is not None and _alive(second)

        clock.now += 600  # a long run, then a death: started again at once
        second.kill()
        second.wait()
        child.keep_running()
        third = child.process
        assert third is not None and third.pid != second.pid and _alive(third)

        child.reload()  # gunicorn's SIGHUP: this one stops, a new one starts without a pause
        third.wait(timeout=30)
        assert third.returncode == -signal.SIGTERM
        child.keep_running()
        fourth = child.process
        assert fourth is not None and _alive(fourth)

        child.terminate()
        child.wait(timeout=30)
        assert fourth.returncode == -signal.SIGTERM
        child.keep_running()
        assert child.process is fourth  # stopping: nothing new is started
    finally:
        if child.process is not None and child.process.poll() is None:
            child.process.kill()
            child.process.wait()


def test_the_dispatcher_ends_when_its_master_is_gone(sessions, database_url_for_run, tmp_path):
    env = worker_env(database_url_for_run, None, ANSINH_SCHEDULER_INTERVAL="0")
    # Started by this test, told its master is another process: as if that master had been killed.
    orphan = subprocess.run(ansinh_command("worker", "--parent", str(os.getpid() + 1)), env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, check=False)
    assert orphan.returncode == 0 and "worker running" in orphan.stderr, orphan.stderr
    kept = subprocess.Popen(ansinh_command("worker", "--parent", str(os.getpid())), env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert any("worker running" in line for line in kept.stderr), "the worker did not start"
        time.sleep(2)  # several of its checks of the parent
        assert _alive(kept)  # its master is still there: it keeps running
    finally:
        kept.send_signal(signal.SIGTERM)
        kept.wait(timeout=120)
        kept.stderr.close()
    assert kept.returncode == 0
