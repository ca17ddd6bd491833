"""A large import on PostgreSQL skips the per-row foreign-key triggers and checks each written
batch set-wise instead (core.imports.foreign_keys): nothing pointing nowhere gets in, the rows
pointed at are locked as the triggers would lock them, and the triggers come back afterwards."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from core.imports import import_rows
from core.imports.bulk import insert_rows
from core.imports.foreign_keys import DanglingKey, SetWiseKeys
from core.models import Beneficiary, Contact, Identity, Person, utcnow
from tests.unit.factories import make_beneficiary

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def postgresql_only(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite checks its foreign keys itself, row by row")


def _rows(count: int):
    return [(i + 2,
             {"Mã đối tượng": f"HUE-{i}", "Họ và tên": "Lê Thị Một", "Ngày sinh": "1940", "Mã xã": "19786",
                     "Diện đối tượng": "NCT_80", "Số điện thoại": f"09123456{i:02d}"}) for i in range(count)]


def test_a_file_of_several_chunks_is_written_whole_and_the_triggers_come_back(sessions):
    with sessions() as s:
        report = import_rows(s, "beneficiaries", _rows(5), today=TODAY, chunk_size=2)
        assert s.scalar(text("SHOW session_replication_role")) == "origin"
        s.commit()
    assert (report.created, report.rejected) == (5, 0)
    with sessions() as s:
        assert s.scalar(select(Contact.id).join(Identity, Identity.person_id == Contact.person_id)
                        .join(Beneficiary).where(Beneficiary.code == "HUE-4",
                                                 Identity.address == "+84912345604"))


def test_a_batch_pointing_at_no_row_is_refused(sessions):
    with sessions() as s:
        beneficiary = make_beneficiary(s, "HUE-1", "Lê Thị Một")
        s.flush()
        with SetWiseKeys(s, ours={}) as keys:
            assert keys.turn_off_triggers()
            with pytest.raises(DanglingKey, match="contacts.person_id"):
                insert_rows(s, Contact,
                            [{"person_id": 987654, "beneficiary_id": beneficiary.id, "role": "self"}])


def test_rows_pointed_at_stay_locked_until_the_import_ends(sessions, engine):
    with sessions.begin() as s:
        person_id = s.scalar(text("INSERT INTO persons (language, preferred_channel, opted_out, created_at) "
                                  "VALUES ('vi', 'sms', false, now()) RETURNING id"))
    with sessions() as s, SetWiseKeys(s, ours={"persons": Person.created_at == utcnow()}) as keys:
        assert keys.turn_off_triggers()
        insert_rows(s, Identity, [{"person_id": person_id, "kind": "phone", "address": "+84912345601",
                                   "verified": True}])
        with engine.connect() as other:
            other.execute(text("SET lock_timeout = '200ms'"))
            with pytest.raises(OperationalError, match="lock"):
                other.execute(text("DELETE FROM persons WHERE id = :id"), {"id": person_id})
            other.rollback()
        s.rollback()


def test_without_the_permission_the_triggers_stay_on(sessions):
    with sessions() as s:
        s.execute(text("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ansinh_no_replica') "
                       "THEN CREATE ROLE ansinh_no_replica NOLOGIN; END IF; END $$"))
        s.execute(text("SET LOCAL ROLE ansinh_no_replica"))
        keys = SetWiseKeys(s, ours={})
        assert keys.turn_off_triggers() is False
        assert s.scalar(text("SHOW session_replication_role")) == "origin"
        assert s.scalar(text("SELECT 1")) == 1  # the refusal did not abort the transaction
        s.rollback()
