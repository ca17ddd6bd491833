"""`ansinh serve --workers N`: gunicorn with N worker processes, each building its own app (and
engine) after the fork. The master runs no thread (one alive at a fork can leave a worker waiting
for ever on a lock it held): the one dispatcher is a process of its own that the master starts,
restarts and stops (ansinh/dispatch_process.py); use `ansinh worker` processes to scale sending."""
from __future__ import annotations

import logging
import os
import secrets
import sys
import threading

from gunicorn import glogging
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from ansinh.dispatch_process import DispatcherProcess, dispatcher_command
from ansinh.logs import JsonFormatter, json_wanted
from ansinh.metrics_files import mark_dead, metrics_directory, worker_exited

# Request threads per worker (`ansinh serve --threads`): 2 and 4 did not differ beyond the noise
# (BENCHMARKS.md, web).
THREADS = 4
# Settings that older gunicorn versions do not know (and need not: they have no control socket).
NEWER_SETTINGS = {"control_socket_disable"}


class _Arbiter(Arbiter):
    """gunicorn's master, also keeping the dispatcher process running beside the web workers."""

    def __init__(self, app, dispatcher: DispatcherProcess | None):
        self.dispatcher = dispatcher
        super().__init__(app)

    def manage_workers(self) -> None:
        if self.dispatcher is not None:
            self.dispatcher.keep_running()
        super().manage_workers()

    def reload(self) -> None:
        super().reload()
        if self.dispatcher is not None:
            self.dispatcher.reload()

    def stop(self, graceful: bool = True) -> None:
        if self.dispatcher is not None:
            self.dispatcher.terminate()  # first, so it winds down while the web workers do
        super().stop(graceful)
        if self.dispatcher is not None:
            self.dispatcher.wait()


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict, dispatcher: DispatcherProcess | None = None):
        self.options = options
        self.dispatcher = dispatcher
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings or key not in NEWER_SETTINGS:
                self.cfg.set(key, value)

    def run(self) -> None:
        try:
            _Arbiter(self, self.dispatcher).run()
        except RuntimeError as error:  # as gunicorn's own run() reports a bad configuration
            print(f"\nError: {error}\n", file=sys.stderr)
            sys.exit(1)

    def load(self):
        from ansinh import create_app

        app = create_app()
        warm_up(app)
        return app


def warm_up(app) -> None:
    """Before the first caller: load what the first request would (NLU tables, catalogs, Babel's
    locale data, a database connection), then move everything alive now out of the garbage
    collector's way (gc.freeze), so its full collections scan only per-request garbage and stop
    pausing the worker."""
    import gc
    import logging
    from datetime import date

    from ansinh import runtime_of
    from core.i18n import translator
    from core.nlu import parse

    channels = app.extensions.get("ansinh.ussd")
    if channels is not None:  # built on first use otherwise (imports the menu and the dialog)
        _ = channels.dialog.menu, channels.dedupe
    parse("tien thang nay ve chua", date.today())
    for language in ("vi", "en"):
        translator(language).money(750000)
        translator(language).date(date.today())
    try:
        with runtime_of(app).engine.connect():
            pass
        if channels is not None:  # the webhooks' own pool (on PostgreSQL: connections in autocommit)
            with channels.dialog.sessions() as session:
                session.connection()
    except Exception as error:  # noqa: BLE001 - a database that is down shows on the first request instead
        logging.getLogger(__name__).warning("warm-up: database not reachable (%s)", type(error).__name__)
    gc.collect()
    gc.freeze()


class JsonLogger(glogging.Logger):
    """gunicorn's own lines (boot, workers) as JSON too, with ANSINH_LOG_FORMAT=json."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())


def _no_thread_at_fork(server, worker) -> None:  # gunicorn's pre_fork hook
    """Say so loudly if anything ever starts a thread in the master again."""
    others = [thread.name for thread in threading.enumerate() if thread is not threading.main_thread()]
    if others:
        server.log.error("threads alive in the gunicorn master before a fork: %s", ", ".join(others))


def _ready(worker) -> None:  # gunicorn's post_worker_init hook
    worker.log.info("Worker ready (pid: %s)", worker.pid)


def serve_with_gunicorn(host: str, port: int, workers: int, dispatch: bool, threads: int = THREADS) -> None:
    # Every worker (and the dispatcher) must sign with the same key; the demo's generated one is shared here.
    os.environ.setdefault("ANSINH_SECRET_KEY", secrets.token_hex(32))
    options = {"bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread",
               "threads": max(1, threads),
               "timeout": 30, "graceful_timeout": 10,
               "pre_fork": _no_thread_at_fork, "post_worker_init": _ready, "child_exit": worker_exited,
               # gunicorn's control socket is a thread in the master, at one path shared by every instance
               "control_socket_disable": True}
    if json_wanted():
        options["logger_class"] = JsonLogger
    verbose = logging.getLogger().isEnabledFor(logging.INFO)
    with metrics_directory():  # before the first fork: every worker and the dispatcher inherit it
        dispatcher = DispatcherProcess(dispatcher_command(verbose), on_exit=mark_dead) if dispatch else None
        _Gunicorn(options, dispatcher).run()
