"""`ansinh worker`: send queued messages. Run as many as needed, on as many hosts, against
PostgreSQL; on SQLite one dispatcher does the work."""
from __future__ import annotations

import os
import signal
import socket
import threading

import click

from ansinh.cli_support import pass_state, require_identifier_key


def register(main: click.Group) -> None:
    @main.command(help="send queued messages (many may run, on many machines, against PostgreSQL)")
    @click.option("--concurrency", default=1, show_default=True, type=click.IntRange(min=1),
                  help="dispatcher threads in this process")
    @click.option("--once", is_flag=True, help="send what is due now, then exit")
    @pass_state
    def worker(state, concurrency: int, once: bool) -> None:
        from ansinh.dispatching import drain_spools, start_dispatchers
        from core.dispatch import Dispatcher

        require_identifier_key(state)
        runtime = state.runtime
        if once:
            # Its own worker id, so leases taken by a --once run never look like another worker's.
            worker_id = f"{socket.gethostname()}:{os.getpid()}:once"
            dispatcher = Dispatcher(runtime.sessions, runtime.senders, runtime.clock, runtime.settings, worker_id=worker_id,
                                    rate_limiter=runtime.send_rate_limiter, on_permanent_failure=runtime.on_permanent_failure)
            kept = drain_spools(runtime)  # SMS kept while the database was down: their answers go now
            if kept:
                click.echo(f"answered {kept} SMS kept while the database was down")
            total = 0
            while (handled := dispatcher.run_once(100)) > 0:
                total += handled
            click.echo(f"handled {total}")
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        _, threads = start_dispatchers(runtime, concurrency, stop)
        click.echo(f"worker running with {len(threads)} dispatcher(s); Ctrl-C to stop", err=True)
        while not stop.wait(0.5):
            pass
        for thread in threads:
            thread.join(timeout=10)
