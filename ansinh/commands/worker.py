"""`ansinh worker`: send queued messages. Run as many as needed, on as many hosts, against
PostgreSQL; on SQLite one dispatcher does the work. SIGTERM or Ctrl-C stops it cleanly: no new
claims, the message in flight is finished and recorded, the rest of the batch is handed back."""
from __future__ import annotations

import os
import socket
import threading
import time

import click

from ansinh.cli_errors import CliFailure
from ansinh.cli_support import pass_state, require_identifier_key


def register(main: click.Group) -> None:
    @main.command(help="send queued messages (many may run, on many machines, against PostgreSQL)")
    @click.option("--concurrency", default=1, show_default=True, type=click.IntRange(min=1),
                  help="dispatcher threads in this process")
    @click.option("--once", is_flag=True, help="send what is due now, then exit")
    @click.option("--parent", type=int, hidden=True,
                  help="stop when process PARENT (`ansinh serve --workers`) is no longer this one's parent")
    @pass_state
    def worker(state, concurrency: int, once: bool, parent: int | None) -> None:
        from ansinh.dispatching import drain_spools, start_dispatchers, stop_dispatchers, stop_on_signals
        from core.outbox.dispatch import Dispatcher

        require_identifier_key(state)
        runtime = state.runtime
        # Counted into `ansinh serve`'s PROMETHEUS_MULTIPROC_DIR when it started us
        if runtime.settings.metrics:
            from ansinh.metrics import install

            install(runtime)

        try:  # an SMS provider that cannot be read stops the start, in one line
            from ussd import check_settings

            check_settings(runtime.settings)
        except ValueError as error:
            raise CliFailure(str(error)) from None
        stop = threading.Event()
        stop_on_signals(stop)
        if once:
            # Its own worker id, so leases taken by a --once run never look like another worker's.
            worker_id = f"{socket.gethostname()}:{os.getpid()}:once"
            dispatcher = Dispatcher(runtime.sessions, runtime.senders, runtime.clock, runtime.settings,
                                    worker_id=worker_id,
                                    rate_limiter=runtime.send_rate_limiter,
                                    on_permanent_failure=runtime.on_permanent_failure)
            kept = drain_spools(runtime)  # SMS kept while the database was down: their answers go now
            if kept:
                click.echo(f"answered {kept} SMS kept while the database was down")
            total = 0
            while not stop.is_set() and (handled := dispatcher.run_once(100, stop)) > 0:
                total += handled
            click.echo(f"handled {total}")
            return
        _, threads = start_dispatchers(runtime, concurrency, stop)
        dispatchers = sum(thread.name.startswith("dispatch-") for thread in threads)
        click.echo(f"worker running with {dispatchers} dispatcher(s); Ctrl-C to stop", err=True)
        while not stop.is_set():
            time.sleep(0.5)
            if parent is not None and os.getppid() != parent:  # its master was killed: no orphan sends on
                break
        stop_dispatchers(runtime, stop, threads)
