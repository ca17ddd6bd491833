"""`ansinh serve`: the web service (webhooks, console, simulator)."""
from __future__ import annotations

import signal

import click

from ansinh.cli_support import pass_state


def register(main: click.Group) -> None:
    @main.command(help="serve the web app: Flask's server with --dev, gunicorn with --workers")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, type=int)
    @click.option("--workers", default=0, type=int, help="gunicorn worker processes")
    @click.option("--threads", default=4, show_default=True, type=int, help="request threads per gunicorn worker")
    @click.option("--dev", is_flag=True, help="Flask's development server")
    @click.option("--no-dispatch", is_flag=True, help="leave queued messages to `ansinh worker` processes")
    @pass_state
    def serve(state, host: str, port: int, workers: int, threads: int, dev: bool, no_dispatch: bool) -> None:
        from ansinh import create_app
        from ansinh.dispatching import start_dispatchers, stop_dispatchers

        runtime = state.runtime
        dispatch = runtime.settings.dispatch_in_process and not no_dispatch
        if workers and not dev:
            from ansinh.gunicorn_app import serve_with_gunicorn

            serve_with_gunicorn(host, port, workers, dispatch, threads)
            return
        # One process that never forks: the dispatcher runs here as threads. SIGTERM ends the
        # server as Ctrl-C does; then the dispatcher finishes the message in flight.
        app = create_app(runtime.settings, runtime=runtime)
        stop, threads = start_dispatchers(runtime, 1) if dispatch else (None, [])
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        click.echo(f"AnSinh on http://{host}:{port}", err=True)
        try:
            app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)
        finally:
            if stop is not None:
                stop_dispatchers(runtime, stop, threads)
