"""GET /readyz: may this instance take traffic? The database answers, its schema is this code's
(no migration pending), Redis answers when configured, and the outbox's oldest due message has
waited less than ANSINH_READY_OUTBOX_LAG seconds (else messages are not flowing: no worker, or
a provider refusing everything). 200 with every check "ok", or 503 naming the failing ones.
/healthz stays the cheap liveness check."""
from __future__ import annotations

import logging

from flask import Flask, jsonify
from sqlalchemy import text

logger = logging.getLogger(__name__)


def init_app(app: Flask, runtime) -> None:
    heads: list[str] = []

    @app.get("/readyz")
    def readyz():
        checks = {"database": "ok", "migrations": "ok", "redis": "ok", "outbox": "ok"}
        try:
            with runtime.engine.connect() as connection:
                revisions = {row[0] for row in connection.execute(text("SELECT version_num FROM "
                                                                       "alembic_version"))}
        except Exception as error:  # noqa: BLE001 - any failure means the database is not there
            logger.warning("readyz: database check failed (%s)", type(error).__name__)
            checks.update(database="failing", migrations="unknown", outbox="unknown")
        else:
            if not heads:
                heads.extend(_code_heads(runtime.settings.database_url))
            if not revisions or not (revisions <= set(heads) or _newer_than_code(runtime, revisions)):
                checks["migrations"] = "failing"
            checks["outbox"] = _outbox_check(runtime)
        checks["redis"] = _redis_check(runtime.settings.redis_url)
        failing = sorted(name for name, state in checks.items() if state == "failing")
        body = {"status": "unavailable" if failing else "ok", "checks": checks}
        if failing:
            body["failing"] = failing
        return jsonify(body), 503 if failing else 200


def _code_heads(url: str) -> list[str]:
    """This code's migration heads; read once per process (the scripts do not change under it)."""
    from alembic.script import ScriptDirectory

    from core.storage.db import alembic_config

    return list(ScriptDirectory.from_config(alembic_config(url)).get_heads())


def _newer_than_code(runtime, revisions: set[str]) -> bool:
    """A database migrated by a newer release is served, as `ansinh serve` itself allows."""
    from core.storage.schema_status import SchemaStatus, _compare_with_code

    return _compare_with_code(runtime.settings.database_url, revisions) is SchemaStatus.READY


def _outbox_check(runtime) -> str:
    from core.outbox.health import oldest_due_age

    try:
        with runtime.sessions() as session:
            ages = oldest_due_age(session, runtime.clock.now())
    except Exception as error:  # noqa: BLE001
        logger.warning("readyz: outbox check failed (%s)", type(error).__name__)
        return "failing"
    return "failing" if any(age > runtime.settings.ready_outbox_lag for age in ages.values()) else "ok"


def _redis_check(url: str | None) -> str:
    if not url:
        return "not configured"
    import redis  # the client library

    client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    try:
        client.ping()
        return "ok"
    except Exception as error:  # noqa: BLE001
        logger.warning("readyz: Redis check failed (%s)", type(error).__name__)
        return "failing"
    finally:
        client.close()
