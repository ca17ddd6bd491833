"""Composition root: `create_app(settings)` builds the Flask app; `ansinh.cli:main` is the CLI.

Nothing is built at import time; tests pass their own Settings (and clock).
"""
from __future__ import annotations

import logging
from inspect import CO_COROUTINE
from types import FunctionType

from flask import Flask, jsonify, request
from werkzeug.middleware.proxy_fix import ProxyFix
from sqlalchemy.exc import DataError, InterfaceError, OperationalError

from ansinh import security_headers
from ansinh.app_request import request_class_for
from ansinh.cookie_sessions import CookieSessions
from ansinh.runtime import Runtime
from core.clock import Clock
from core.storage.db import ping
from core.i18n import Translator
from core.settings import Settings

logger = logging.getLogger(__name__)


class AnSinhFlask(Flask):
    """Flask, deciding in one test that a plain `def` needs no async wrapper: `ensure_sync` runs
    for the view and every hook of every request (six per webhook), and `inspect`'s general check
    cost more than some of the hooks themselves. Anything else (a partial, a method, an `async
    def`, a function marked as a coroutine function) gets Flask's own answer. Its requests read
    their limits from it rather than through `current_app` (ansinh.app_request)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_class = request_class_for(self)  # limits read without current_app

    def ensure_sync(self, func):
        if type(func) is FunctionType and not func.__code__.co_flags & CO_COROUTINE \
                and "_is_coroutine_marker" not in func.__dict__:
            return func
        return super().ensure_sync(func)


def create_app(settings: Settings | None = None, clock: Clock | None = None,
               runtime: Runtime | None = None) -> Flask:
    settings = settings or Settings.from_env()
    runtime = runtime or Runtime(settings, clock)
    app = AnSinhFlask(__name__, instance_relative_config=False)
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=32 * 1024 * 1024)
    app.extensions["ansinh"] = runtime
    app.session_interface = CookieSessions()
    security_headers.install(app)
    from ansinh import observed_requests, readiness

    observed_requests.init_app(app, runtime)  # request ids, request log lines, metrics, /metrics
    readiness.init_app(app, runtime)
    if settings.trusted_proxies > 0:
        # Behind nginx the client address is the proxy's for everyone; believe exactly as many
        # X-Forwarded-For hops as there are proxies, so per-address limits see the real client.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies,
                                x_proto=settings.trusted_proxies)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        """An unreachable database is a retryable 503 for gateways and browsers, never a 500."""
        logger.warning("database unavailable on %s: %s", request.path, type(error).__name__)
        t = Translator("vi")
        return t._("The service is busy. Please try again in a few minutes."), 503, {
            "Retry-After": "5", "Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(DataError)
    def data_refused(error):
        """Input the database cannot store (a NUL byte in an id, on PostgreSQL) is a bad request."""
        logger.info("refused input on %s: %s", request.path, type(error.orig).__name__)
        return "", 400

    @app.get("/healthz")
    def healthz():
        up = ping(runtime.engine)
        return jsonify(status="ok" if up else "unavailable",
                       database="up" if up else "down"), 200 if up else 503

    import bot
    import console
    import ussd

    # Each channel package exposes `init_app(app, runtime)` once it has routes.
    for package in (ussd, bot, console):
        register = getattr(package, "init_app", None)
        if register is not None:
            register(app, runtime)
    from ansinh import landing

    landing.init_app(app)
    return app


def runtime_of(app: Flask) -> Runtime:
    return app.extensions["ansinh"]
