"""`ansinh serve`: the web service (webhooks, console, simulator). Before it binds, it checks the
database's schema and the address, and prints the links of this very host and port."""
from __future__ import annotations

import signal
import socket

import click

from ansinh.cli_errors import CliFailure
from ansinh.cli_support import pass_state, require_identifier_key
from core.i18n import translator


def local_base_url(host: str, port: int) -> str:
    """Where a browser on this machine reaches the server: a wildcard host means localhost."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def _check_address(host: str, port: int) -> None:
    """A port in use or an address not on this machine, said in one line before anything starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as werkzeug and gunicorn bind
            probe.bind((host, port))
    except OSError:
        message = translator("vi")._("Cannot listen on %(host)s port %(port)s: the port is in use or the "
                                     "address is not on this machine.", host=host, port=port)
        raise CliFailure(message) from None


def echo_links(settings, base: str) -> None:
    """The pages a person opens first, at the address about to be bound."""
    from ussd import simulator_enabled

    t = translator("vi")
    click.echo(t._("AnSinh is running at %(url)s/", url=base), err=True)
    click.echo(t._("Officers' console: %(url)s", url=f"{base}/console/"), err=True)
    if simulator_enabled(settings):
        click.echo(t._("Phone simulator: %(url)s", url=f"{base}/simulator"), err=True)


def register(main: click.Group) -> None:
    @main.command(help="serve the web app: Flask's server with --dev, gunicorn with --workers")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
    @click.option("--workers", default=0, type=click.IntRange(min=0), help="gunicorn worker processes")
    @click.option("--threads", default=4, show_default=True, type=click.IntRange(min=1),
                  help="request threads per gunicorn worker")
    @click.option("--dev", is_flag=True, help="Flask's development server")
    @click.option("--no-dispatch", is_flag=True, help="leave queued messages to `ansinh worker` processes")
    @pass_state
    def serve(state, host: str, port: int, workers: int, threads: int, dev: bool, no_dispatch: bool) -> None:
        from ansinh import create_app
        from ansinh.dispatching import start_dispatchers, stop_dispatchers
        from ansinh.observed_requests import metrics_networks
        from ussd import check_settings

        require_identifier_key(state)
        runtime = state.runtime
        try:  # a gateway allow-list or SMS provider that cannot be read stops the start, in one line
            check_settings(runtime.settings)
        except ValueError as error:
            raise CliFailure(str(error)) from None
        metrics_networks(runtime.settings.metrics_allowed_ips)  # a bad entry: SettingsError names it
        dispatch = runtime.settings.dispatch_in_process and not no_dispatch
        _check_address(host, port)
        echo_links(runtime.settings, local_base_url(host, port))
        if workers and not dev:
            from ansinh.gunicorn_app import serve_with_gunicorn

            serve_with_gunicorn(host, port, workers, dispatch, threads)
            return
        # One process that never forks: the dispatcher runs here as threads. SIGTERM ends the
        # server as Ctrl-C does; then the dispatcher finishes the message in flight.
        app = create_app(runtime.settings, runtime=runtime)
        stop, threads = start_dispatchers(runtime, 1) if dispatch else (None, [])
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)
        finally:
            if stop is not None:
                stop_dispatchers(runtime, stop, threads)
