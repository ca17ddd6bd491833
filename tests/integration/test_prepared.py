"""Prepared statements (core.storage.prepared) give what Connection.execute gives: the same rows
with the same Python types (dates, datetimes, Decimals, JSON), the same writes, SQLAlchemy's own
exceptions, and every statement to whoever listens to the engine."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import IntegrityError

from core.answers import cash_days as cash_days_module
from core.conversation import identity
from core.models import AuditLog, SeenMessage
from core.privacy import audit
from core.storage import dedupe, state
from core.storage.prepared import _watched
from tests.support.factories import build_family


def _both(session, prepared, values):
    connection = session.connection()
    assert not _watched(connection)  # the prepared path itself, not Connection.execute
    return prepared.rows(connection, values), [tuple(row) for row in connection.execute(prepared.statement,
                                                                                          values)]


def test_reads_give_the_rows_and_types_of_connection_execute(sessions):
    with sessions() as session:
        family = build_family(session)
        session.commit()
        for phone in (family.lai_phone, family.hoa_phone, family.teo_phone, family.stranger_phone):
            prepared, executed = _both(session, identity._ASKER_AND_PAYMENTS,
                                       {"kind": "phone", "address": phone, "period": "2026-11"})
            assert [tuple(row) for row in prepared] == executed
            assert [[type(value) for value in row] for row in prepared] == \
                [[type(value) for value in row] for row in executed]
        hoa = identity._ASKER.rows(session.connection(), {"kind": "phone", "address": family.hoa_phone})
        assert {row.full_name for row in hoa} == {"Nguyễn Thị Lài", "Lê Văn Bin"}
        assert all(row.verified for row in hoa)
        unit = hoa[0].unit_code
        for exact, period in ((True, "2026-11"), (False, "2026-10")):
            prepared, executed = _both(session, cash_days_module._ONE_UNIT_SLOTS[exact],
                                       {"unit": unit, "method": "cash", "period": period})
            assert [tuple(row) for row in prepared] == executed and executed
            assert [type(value) for value in prepared[0]] == [type(value) for value in executed[0]]


def test_writes_store_what_connection_execute_stores_and_fail_the_same_way(sessions, clock):
    at = datetime(2026, 11, 20, 8, 30, 15, 123456)
    with sessions() as session:
        connection = session.connection()
        assert not _watched(connection)
        state._UPSERTS[connection.dialect.name].run(
            connection, {"key": "k", "value": {"screen": "menu", "b": 7}, "expires_at": at})
        state._UPSERTS[connection.dialect.name].run(
            connection, {"key": "k", "value": {"screen": "answer"}, "expires_at": at})
        row = state._READ.first(connection, {"key": "k"})
        assert tuple(row) == tuple(connection.execute(state._READ.statement, {"key": "k"}).one())
        assert row.value == {"screen": "answer"} and row.expires_at.replace(tzinfo=None) == at
        audit._INSERT.run(connection, [
            {"at": at, "actor": "sms:+84900000001", "action": "disclose.payment_status",
             "beneficiary_id": None, "channel": "sms", "detail": {"period": "2026-11"}},
            {"at": at, "actor": "sms:+84900000001", "action": "disclose.payment_schedule",
             "beneficiary_id": None, "channel": "sms", "detail": {}}])
        rows = session.execute(select(AuditLog.action, AuditLog.detail)
                               .order_by(AuditLog.id)).all()
        assert [tuple(r) for r in rows] == [("disclose.payment_status", {"period": "2026-11"}),
                                            ("disclose.payment_schedule", {})]
        values = {"provider": "twilio", "message_id": "SM1", "response": "[]", "at": at}
        dedupe._ADD.run(connection, values)
        assert dedupe._FIND.first(connection, {"provider": "twilio", "message_id": "SM1"}).response == "[]"
        session.commit()
    with sessions() as session, pytest.raises(IntegrityError):
        dedupe._ADD.run(session.connection(), values)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(SeenMessage)) == 1


def test_listeners_on_the_engine_see_every_prepared_statement(sessions):
    seen = []

    def watch(_connection, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", watch)
    try:
        with sessions() as session:
            assert state._READ.first(session.connection(), {"key": "nothing"}) is None
    finally:
        event.remove(Engine, "before_cursor_execute", watch)
    assert len(seen) == 1 and "state_entries" in seen[0]
