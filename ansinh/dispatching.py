"""Wiring the dispatcher: which sender serves which channel, and the threads that run it.

Each channel package may expose `make_senders(settings, sessions, clock) -> dict[channel, Sender]`;
channels without configured credentials simply have no sender and their rows wait.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time

from core.counting import count
from core.outbox.dispatch import Dispatcher

logger = logging.getLogger(__name__)
# How long a stopping process waits for its dispatchers: longer than any sender waits for its
# provider (Telegram 30 s), so the message in flight is finished and recorded, never cut off.
STOP_GRACE = 45.0


def build_senders(runtime) -> dict:
    import bot
    import ussd

    senders: dict = {}
    for package in (ussd, bot):
        factory = getattr(package, "make_senders", None)
        if factory is not None:
            senders.update(factory(runtime.settings, runtime.sessions, runtime.clock))
    return senders


def drain_spools(runtime) -> int:
    """Answer what the webhooks kept while the database was down (SMS: ussd.sms_spool); the
    dispatcher loop calls it before each batch, so the answers go out in that batch."""
    from ussd.sms_spool import drain_sms_spool

    return drain_sms_spool(runtime)


def run_scheduler(runtime, stop: threading.Event, interval: float = 3600.0) -> None:
    """Queue the day's cash-day reminders and receipt questions now and then (idempotent, so any
    number of workers and a cron job may all do it), and drop message logs past their retention."""
    from core.notify.scheduled import run_scheduled
    from core.outbox.retention import purge_old_messages

    while not stop.is_set():
        try:
            run_scheduled(runtime.sessions, runtime.settings, runtime.clock)
            purge_old_messages(runtime.sessions, runtime.clock, runtime.settings.message_retention_days)
            count("scheduler_run", outcome="ok")
        except Exception:  # an outage must not stop the loop
            logger.exception("scheduled notifications failed; will retry")
            count("scheduler_run", outcome="failed")
        stop.wait(interval)


def start_dispatchers(runtime, concurrency: int = 1,
                      stop: threading.Event | None = None) -> tuple[threading.Event, list[threading.Thread]]:
    """Start `concurrency` dispatcher threads (one on SQLite, whose writers queue anyway) and the
    scheduler that queues reminders and receipt questions."""
    stop = stop or threading.Event()
    if runtime.settings.is_sqlite:
        concurrency = 1
    senders = runtime.senders
    if not senders:
        logger.warning("no senders configured: queued messages will wait")
    threads = []
    for index in range(max(1, concurrency)):
        worker_id = f"{socket.gethostname()}:{os.getpid()}:{index}"
        dispatcher = Dispatcher(runtime.sessions, senders, runtime.clock, runtime.settings,
                                worker_id=worker_id,
                                rate_limiter=runtime.send_rate_limiter,
                                on_permanent_failure=runtime.on_permanent_failure,
                                before_batch=(lambda: drain_spools(runtime)) if index == 0 else None)
        thread = threading.Thread(target=dispatcher.run_forever, args=(stop,), name=f"dispatch-{index}",
                                  daemon=True)
        thread.start()
        threads.append(thread)
    if runtime.settings.scheduler_interval > 0:
        scheduler = threading.Thread(target=run_scheduler,
                                     args=(runtime, stop, runtime.settings.scheduler_interval),
                                     name="scheduler", daemon=True)
        scheduler.start()
        threads.append(scheduler)
    return stop, threads


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM and SIGINT (Ctrl-C) set `stop` instead of ending the process mid-send. The main
    thread must then only poll `stop.is_set()`: the handler runs on it and takes the Event's lock."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())


def stop_dispatchers(runtime, stop: threading.Event, threads: list[threading.Thread],
                     grace: float = STOP_GRACE) -> None:
    """Stop claiming, let each dispatcher finish (and record) the message it is sending and hand
    back the rest of its batch, then release the senders' connections."""
    stop.set()
    deadline = time.monotonic() + grace
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    stuck = [thread.name for thread in threads if thread.is_alive()]
    if stuck:
        logger.warning("still sending after %.0f s, stopping anyway (%s): its message may be sent again",
                       grace, ", ".join(stuck))
    for sender in runtime.senders.values():
        close = getattr(sender, "close", None)
        if close is not None:
            close()
