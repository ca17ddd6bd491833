"""GET /readyz: 200 when the database answers with this code's schema, Redis (when configured)
answers and the outbox keeps up; 503 naming each failing check otherwise."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from ansinh import create_app
from core.outbox.writes import enqueue
from core.settings import Settings


def _ready(runtime, **changes):
    runtime.settings = runtime.settings.with_(**changes)
    response = create_app(runtime.settings, runtime=runtime).test_client().get("/readyz")
    return response.status_code, response.get_json()


def test_ready_when_every_check_passes(runtime):
    status, body = _ready(runtime)
    assert status == 200
    assert body == {"status": "ok",
                    "checks": {"database": "ok", "migrations": "ok", "redis": "not configured",
                                               "outbox": "ok"}}


def test_an_outbox_message_waiting_longer_than_the_threshold_fails_readiness(runtime, sessions, clock):
    with sessions.begin() as session:
        stuck = enqueue(session, channel="sms", address="+84900000003", text="x", kind="notification",
                        key="r-1")
        stuck.created_at = clock.now() - timedelta(minutes=20)
        later = enqueue(session, channel="telegram", address="1", text="y", kind="notification", key="r-2",
                        not_before=clock.now() + timedelta(hours=8))  # quiet hours: not due, not late
        later.created_at = clock.now() - timedelta(hours=3)
    assert _ready(runtime, ready_outbox_lag=1500)[0] == 200
    status, body = _ready(runtime, ready_outbox_lag=900)
    assert status == 503
    assert body["failing"] == ["outbox"] and body["checks"]["database"] == "ok"


def test_pending_migrations_fail_readiness(runtime, engine):
    with engine.begin() as connection:
        head = connection.scalar(text("SELECT version_num FROM alembic_version"))
        connection.execute(text("UPDATE alembic_version SET version_num = '0009'"))
    try:
        status, body = _ready(runtime)
    finally:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    assert status == 503 and body["failing"] == ["migrations"]


def test_an_unreachable_redis_fails_readiness(runtime):
    status, body = _ready(runtime, redis_url="redis://127.0.0.1:1/0")
    assert status == 503 and body["failing"] == ["redis"]


def test_an_unreachable_database_fails_readiness():
    settings = Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", secret_key="x")
    response = create_app(settings).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["database"]
