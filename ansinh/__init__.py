"""Composition root: `create_app(settings)` builds the Flask app; `ansinh.cli:main` is the CLI.

Nothing is built at import time; tests pass their own Settings (and clock).
"""
from __future__ import annotations

import logging

from flask import Flask, jsonify

from ansinh.runtime import Runtime
from core.clock import Clock
from core.db import ping
from core.settings import Settings

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, clock: Clock | None = None, runtime: Runtime | None = None) -> Flask:
    settings = settings or Settings.from_env()
    runtime = runtime or Runtime(settings, clock)
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=32 * 1024 * 1024)
    app.extensions["ansinh"] = runtime

    @app.get("/healthz")
    def healthz():
        up = ping(runtime.engine)
        return jsonify(status="ok" if up else "unavailable", database="up" if up else "down"), 200 if up else 503

    import bot
    import console
    import ussd

    # Each channel package exposes `init_app(app, runtime)` once it has routes.
    for package in (ussd, bot, console):
        register = getattr(package, "init_app", None)
        if register is not None:
            register(app, runtime)
    return app


def runtime_of(app: Flask) -> Runtime:
    return app.extensions["ansinh"]
