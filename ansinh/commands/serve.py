"""`ansinh serve`: the web service (webhooks, console, simulator)."""
from __future__ import annotations

import click

from ansinh.cli_support import pass_state


def register(main: click.Group) -> None:
    @main.command(help="serve the web app: Flask's server with --dev, gunicorn with --workers")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, type=int)
    @click.option("--workers", default=0, type=int, help="gunicorn worker processes")
    @click.option("--dev", is_flag=True, help="Flask's development server")
    @pass_state
    def serve(state, host: str, port: int, workers: int, dev: bool) -> None:
        from ansinh import create_app

        app = create_app(state.runtime.settings, runtime=state.runtime)
        app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)
