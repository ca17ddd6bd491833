"""`ansinh serve --workers N`: gunicorn with N worker processes, each building its own app (and
engine) after the fork. The one in-process dispatcher runs in the master process, so there is
exactly one however many web workers there are (use `ansinh worker` processes to scale sending)."""
from __future__ import annotations

from gunicorn.app.base import BaseApplication


# Request threads per worker (`ansinh serve --threads`). 2 and 4 were measured back to back on 2
# cores: run-to-run spread (±40 %) was larger than any difference (BENCHMARKS.md, web).
THREADS = 4


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from ansinh import create_app

        app = create_app()
        warm_up(app)
        return app


def warm_up(app) -> None:
    """Before the first caller: load what the first request would (NLU tables, catalogs, Babel's
    locale data, a database connection), then move everything alive now out of the garbage
    collector's way (gc.freeze), so its full collections scan only per-request garbage; they had
    paused a worker ~40 ms each."""
    import gc
    import logging
    from datetime import date

    from ansinh import runtime_of
    from core.i18n import translator
    from core.nlu import parse

    channels = app.extensions.get("ansinh.ussd")
    if channels is not None:  # built on first use otherwise (imports the menu and the dialog)
        _ = channels.menu, channels.dialog, channels.dedupe
    parse("tien thang nay ve chua", date.today())
    for language in ("vi", "en"):
        translator(language).money(750000)
        translator(language).date(date.today())
    try:
        with runtime_of(app).engine.connect():
            pass
        if channels is not None:  # the webhooks' own pool (on PostgreSQL: connections in autocommit)
            with channels.menu.sessions() as session:
                session.connection()
    except Exception as error:  # noqa: BLE001 - a database that is down shows on the first request instead
        logging.getLogger(__name__).warning("warm-up: database not reachable (%s)", type(error).__name__)
    gc.collect()
    gc.freeze()


def serve_with_gunicorn(host: str, port: int, workers: int, dispatch: bool, threads: int = THREADS) -> None:
    import os
    import secrets

    # Every worker must sign sessions with the same key; the demo's generated one is shared here.
    os.environ.setdefault("ANSINH_SECRET_KEY", secrets.token_hex(32))
    if dispatch:
        from ansinh.dispatching import start_dispatchers
        from ansinh.runtime import Runtime
        from core.settings import Settings

        start_dispatchers(Runtime(Settings.from_env()), 1)
    options = {"bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread", "threads": max(1, threads),
               "timeout": 30, "graceful_timeout": 10}
    _Gunicorn(options).run()
