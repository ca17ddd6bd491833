"""Webhook turns on PostgreSQL begin their transaction just before the first write
(core.storage.db.lazy_begin_sessions, core.storage.pg_writes): reads before it cost no BEGIN, a
single audit row at the commit runs alone, and several writes still commit together or not at
all."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Engine

from core.models import AuditLog, Complaint, Person
from core.privacy.audit import record_disclosure
from core.storage.db import lazy_begin_sessions
from core.storage.pg_writes import needs_transaction
from tests.support.twilio_sms import inbound, messages, signed_post
from tests.support.ussd_factories import LAI_AMOUNT_VI, LAI_PHONE, build_world

IDLE = 0  # psycopg.pq.TransactionStatus


@pytest.mark.parametrize(("statement", "begins"), [
    ("SELECT a FROM t WHERE b = %(b)s", False),
    ("  select a from t", False),
    ("SELECT a FROM t WHERE b = %(b)s FOR UPDATE SKIP LOCKED", True),
    ("SELECT a FROM t FOR NO KEY UPDATE", True),
    ("SELECT a FROM t FOR KEY SHARE", True),
    ("SELECT nextval('seq')", True),
    ("SELECT pg_advisory_xact_lock(1)", True),
    ("WITH x AS (DELETE FROM t RETURNING a) SELECT a FROM x", True),
    ("INSERT INTO t (a) VALUES (%(a)s)", True),
    ("INSERT /* alone */ INTO audit_log (a) VALUES (%(a)s)", False),
    ("UPDATE t SET a = 1", True),
    ("SAVEPOINT sa_savepoint_1", True),
])
def test_only_plain_reads_and_a_lone_last_write_go_without_a_transaction(statement, begins):
    assert needs_transaction(statement) is begins


@pytest.fixture
def lazy(sessions):
    if sessions.kw["bind"].dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's driver begins before the first write by itself")
    return lazy_begin_sessions(sessions)


def _status(session) -> int:
    return session.connection().connection.driver_connection.pgconn.transaction_status


def test_reads_run_outside_a_transaction_and_writes_inside_one(lazy):
    with lazy() as session:
        session.execute(select(func.count()).select_from(Person))
        assert _status(session) == IDLE
        session.execute(text("SELECT 1 FROM persons FOR UPDATE"))
        assert _status(session) != IDLE  # a locking read holds its locks until the commit
        session.rollback()
        session.add(Person(name="Nguyễn Văn A"))
        session.flush()
        assert _status(session) != IDLE
        session.commit()
        assert _status(session) == IDLE
    with lazy() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 1


def test_several_writes_still_commit_together_or_not_at_all(lazy):
    with pytest.raises(RuntimeError), lazy() as session:
        session.add(Person(name="Trần Thị B"))
        session.flush()
        record_disclosure(session, "test", "disclose.payment_status", None, "sms")
        session.execute(text("SELECT 1"))  # the audit row is written before a read (read-your-writes)
        raise RuntimeError("the turn fails after two writes")
    with lazy() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0
        assert session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_a_lone_audit_row_runs_alone_and_one_beside_other_changes_does_not(lazy):
    seen: list[tuple[str, int]] = []

    def watch(_connection, cursor, statement, *_args):
        seen.append((statement.split()[0] + (" alone" if "/* alone */" in statement else ""),
                     cursor.connection.pgconn.transaction_status))

    event.listen(Engine, "after_cursor_execute", watch)
    try:
        with lazy() as session:
            record_disclosure(session, "test", "disclose.payment_status", None, "sms")
            session.commit()
        alone = list(seen)
        seen.clear()
        with lazy() as session:
            record_disclosure(session, "test", "disclose.payment_status", None, "sms")
            session.add(Person(name="Lê Văn C"))  # flushed after the audit row: they must commit together
            session.commit()
    finally:
        event.remove(Engine, "after_cursor_execute", watch)
    assert alone == [("INSERT alone", IDLE)]  # no BEGIN before it, nothing open after it
    assert seen[0] == ("INSERT", seen[0][1]) and seen[0][1] != IDLE and all(status != IDLE for _,
                                                                            status in seen)
    with lazy() as session:
        assert session.scalar(select(func.count()).select_from(AuditLog)) == 2
        assert session.scalar(select(func.count()).select_from(Person)) == 1


def test_an_sms_status_answer_opens_no_transaction_when_redis_keeps_the_rest(settings, clock, engine,
                                                                             sessions):
    """Production mode: the memory and the MessageSid live in Redis, so the turn's only database
    write is its disclosure row, which commits by itself; a complaint writes more and begins."""
    from ansinh import create_app
    from ansinh.runtime import Runtime
    from tests.conftest import REDIS_URL

    if engine.dialect.name != "postgresql" or not REDIS_URL:
        pytest.skip("needs ANSINH_TEST_DATABASE_URL (PostgreSQL) and ANSINH_TEST_REDIS_URL")
    build_world(sessions)
    runtime = Runtime(settings.with_(redis_url=REDIS_URL), clock)
    runtime.__dict__["engine"], runtime.__dict__["sessions"] = engine, sessions
    client = create_app(runtime.settings, runtime=runtime).test_client()
    statuses: list[int] = []

    def watch(_connection, cursor, *_args):
        statuses.append(cursor.connection.pgconn.transaction_status)

    event.listen(Engine, "after_cursor_execute", watch)
    try:
        assert LAI_AMOUNT_VI in messages(signed_post(client, settings, "/sms/twilio",
                                                     inbound(LAI_PHONE, "tien thang nay ve chua",
                                                             sid=f"SM{uuid.uuid4().hex}")))[0]
        answer_statuses = list(statuses)
        statuses.clear()
        assert messages(
            signed_post(
                client,
                settings,
                "/sms/twilio",
                inbound(LAI_PHONE, "khieu nai: chua nhan duoc tien", sid=f"SM{uuid.uuid4().hex}"),
            )
        )[0]
    finally:
        event.remove(Engine, "after_cursor_execute", watch)
    assert answer_statuses and all(status == IDLE for status in answer_statuses)
    assert any(status != IDLE for status in statuses)  # the complaint's rows were written in a transaction
    with sessions() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(AuditLog).where(AuditLog.action == "disclose.payment_status")
            )
            == 1
        )
        assert session.scalar(select(func.count()).select_from(Complaint)) == 1


def test_a_warmed_worker_has_a_connection_in_the_webhooks_pool(app, lazy):
    """The first webhook of a fresh gunicorn worker should not pay for connecting (the warm-up)."""
    from ansinh.gunicorn_app import warm_up
    from ussd.services import EXTENSION

    pool = app.extensions[EXTENSION].dialog.sessions.kw["bind"].pool
    pool.dispose()
    assert pool.checkedin() == 0
    warm_up(app)
    assert pool.checkedin() >= 1
