"""For tests that run `ansinh` as processes: a free port, waiting for a condition, the messages
still to send, and a SIGTERM that must end the process cleanly."""
from __future__ import annotations

import signal
import socket
import subprocess
import time

from sqlalchemy import func, select

from core.models import OutboxMessage


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def pending(sessions) -> int:
    """Outbox rows not yet sent (queued, or claimed by a worker)."""
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status.in_(("queued", "sending"))))


def terminate(process: subprocess.Popen, timeout: float = 120) -> int:
    """SIGTERM, then wait; SIGKILL only if it is still running after `timeout`. Returns the exit code."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()
