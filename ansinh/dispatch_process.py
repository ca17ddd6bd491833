"""The dispatcher of `ansinh serve --workers N`: `ansinh worker` in its own process beside gunicorn's.

A thread running in gunicorn's master when it forks a worker may hold a lock (an import lock, a
logging handler's) that the worker then waits on for ever. So the master runs no thread of ours:
it starts the dispatcher as a fresh interpreter (fork and exec, nothing inherited but the
environment), starts it again if it dies, and on shutdown sends it SIGTERM and waits while it
finishes the message in flight. The child stops by itself if the master is killed.
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import time

from ansinh.dispatching import STOP_GRACE

logger = logging.getLogger(__name__)
STEADY = 30.0  # seconds: a child that ran this long and died is restarted at once, not after a backoff


def dispatcher_command(verbose: bool = False) -> list[str]:
    return [sys.executable, "-m", "ansinh", *(["-v"] if verbose else []), "worker", "--concurrency", "1",
            "--parent", str(os.getpid())]


class DispatcherProcess:
    def __init__(self, command: list[str], now=time.monotonic,
                 on_exit=None):  # a clock, for tests
        self.command = command
        self.on_exit = on_exit  # called with the pid of a child that ended (its metrics files)
        self.now = now
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.next_start = 0.0
        self.quick_exits = 0
        self.stopping = False
        self.reloading = False

    def keep_running(self) -> None:
        """Called by the master about once a second: start the child, or start it again after it ended."""
        if self.stopping:
            return
        if self.process is not None:
            if self.process.poll() is None:  # also sees a child that gunicorn's waitpid(-1) collected
                return
            self._ended()
        if self.now() >= self.next_start:
            self.process = subprocess.Popen(self.command)
            self.started_at = self.now()
            logger.info("dispatcher process %s started", self.process.pid)

    def _ended(self) -> None:
        if self.on_exit is not None:
            self.on_exit(self.process.pid)
        if self.reloading:
            self.reloading, self.next_start = False, 0.0
        else:  # a crash: again at once if it had been running a while, else after 2, 4 … 60 s
            quick = self.now() - self.started_at < STEADY
            self.quick_exits = self.quick_exits + 1 if quick else 0
            self.next_start = self.now() + (min(60.0, 2.0 ** self.quick_exits) if quick else 0.0)
            logger.error("dispatcher process %s ended; starting another", self.process.pid)
        self.process = None

    def reload(self) -> None:
        """On gunicorn's reload (SIGHUP): stop the child as on shutdown; the next check starts a new one."""
        if self.process is not None and self.process.poll() is None:
            self.reloading = True
            self.process.terminate()

    def terminate(self) -> None:
        """Ask the child to stop (no new claims; the message in flight is finished and recorded)."""
        self.stopping = True
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def wait(self, timeout: float = STOP_GRACE + 5.0) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            logger.warning("dispatcher process %s still running after %.0f s; killing it", self.process.pid,
                           timeout)
            self.process.kill()
            self.process.wait()
