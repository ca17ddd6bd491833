"""A province-wide broadcast: 80,000 people (beneficiaries and guardians) enqueued at approval.

Builds a fresh database (SQLite file, or PostgreSQL when BENCH_DATABASE_URL is set) holding
40,000 beneficiaries of one province, each with their own phone and a consenting guardian, then
times the bulk outbox writer alone (80,000 rows) and a whole approval (audience query, fields,
GSM-7 rendering, enqueue), then the same approval with ZNS configured (every row's template
filled, core.notify.channels). Goal: 80,000 enqueued in at most 5 s.
"""
from __future__ import annotations

import os
import tempfile
import time

from sqlalchemy import insert, select, text

from core.storage.db import make_engine
from core.models import Beneficiary, Contact, Identity, Person, Unit

PEOPLE = int(os.environ.get("BENCH_BROADCAST_BENEFICIARIES", "40000"))


def _database() -> tuple[str, str | None, str | None]:
    """(url, temporary folder, PostgreSQL schema): a fresh SQLite file, or a fresh schema in
    BENCH_DATABASE_URL so that runs can follow each other."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        schema = f"bench_broadcast_{os.getpid()}"
        with make_engine(url).begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"))
        return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}", None, schema
    folder = tempfile.mkdtemp(prefix="ansinh-bench-")
    return f"sqlite:///{folder}/bench.db", folder, None


def _drop(schema: str) -> None:
    with make_engine(os.environ["BENCH_DATABASE_URL"]).begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


def _load(sessions, units: list[str]) -> None:
    from core.outbox.bulk import CHUNK

    with sessions.begin() as session:
        beneficiaries = [{"code": f"BB{i:06d}", "full_name": f"Nguyễn Thị Bền {i}",
                          "name_ascii": f"nguyen thi ben {i}",
                          "unit_code": units[i % len(units)], "programme_code": "TCXH",
                          "monthly_amount": 500_000,
                          "method": "cash", "active": True, "has_account": False} for i in range(PEOPLE)]
        for start in range(0, PEOPLE, CHUNK):
            session.execute(insert(Beneficiary), beneficiaries[start:start + CHUNK])
        ids = list(session.scalars(select(Beneficiary.id).order_by(Beneficiary.id)))
        persons = [{"name": f"P{i}", "language": "vi", "preferred_channel": "sms",
                    "opted_out": False} for i in range(2 * PEOPLE)]
        for start in range(0, len(persons), CHUNK):
            session.execute(insert(Person), persons[start:start + CHUNK])
        person_ids = list(session.scalars(select(Person.id).order_by(Person.id)))
        identities = [{"person_id": pid, "kind": "phone", "address": f"+8490{index:07d}", "verified": True,
                       "opted_out": False} for index, pid in enumerate(person_ids)]
        contacts = [{"person_id": person_ids[2 * i + k], "beneficiary_id": bid,
                     "role": ("self", "guardian")[k],
                     "consent": True, "source": "import"} for i, bid in enumerate(ids) for k in (0, 1)]
        for rows, model in ((identities, Identity), (contacts, Contact)):
            for start in range(0, len(rows), CHUNK):
                session.execute(insert(model), rows[start:start + CHUNK])


def _approve_by_zns(sessions, settings, clock, author, approver, filters) -> tuple[float, float, int]:
    """The same approval once more with ZNS configured: every phone row gets its template filled."""
    from pathlib import Path

    from sqlalchemy import func

    from core.broadcasts.lifecycle import approve, create_broadcast
    from core.models import OutboxMessage

    templates = Path(__file__).resolve().parent.parent / "docs" / "zns-templates.example.json"
    zns = settings.with_(zalo_app_id="bench", zalo_access_token="bench", zalo_zns_templates=str(templates))
    with sessions.begin() as session:
        broadcast = create_broadcast(session, session.merge(author),
                                     "Kính gửi {ho_ten}: tiền tháng {ky} là {so_tien}.",
                                     filters, clock)
    started, cpu = time.perf_counter(), time.process_time()
    with sessions.begin() as session:
        approve(session, session.merge(broadcast), session.merge(approver), zns, clock)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    with sessions() as session:
        rows = session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.ref == f"broadcast:{broadcast.id}", OutboxMessage.channel == "zns"))
    return seconds, cpu, rows


def run() -> dict:
    from core.broadcasts.lifecycle import approve, create_broadcast, make_filters
    from core.clock import Clock
    from core.storage.db import make_session_factory, upgrade
    from core.officers.accounts import create_officer
    from core.outbox.bulk import enqueue_many
    from core.storage.reference import seed_reference
    from core.settings import Settings

    url, folder, schema = _database()
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        seed_reference(session)
        units = list(session.scalars(select(Unit.code).where(Unit.parent_code == "46").order_by(Unit.code)))
    started = time.perf_counter()
    _load(sessions, units)
    load_seconds = time.perf_counter() - started

    rows = [{"idempotency_key": f"bench:{i}", "channel": "sms", "address": f"+8491{i:07d}",
             "text": "Kinh gui ong ba",
             "kind": "broadcast", "ref": "broadcast:bench"} for i in range(2 * PEOPLE)]
    started = time.perf_counter()
    with sessions.begin() as session:
        added = enqueue_many(session, rows)
    writer_seconds = time.perf_counter() - started

    settings, clock = Settings(database_url=url, secret_key="bench", quiet_hours="off"), Clock()
    with sessions.begin() as session:
        author = create_officer(session, "bench-author", "bench-password", "province", "46")
        approver = create_officer(session, "bench-approver", "bench-password", "province", "46")
        filters = make_filters(session, author, clock)
        started = time.perf_counter()
        broadcast = create_broadcast(session, author, "Kính gửi {ho_ten}: tiền tháng {ky} là {so_tien}.",
                                     filters, clock)
        create_seconds = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    with sessions.begin() as session:
        queued = approve(session, session.merge(broadcast), session.merge(approver), settings, clock)
    approve_seconds, approve_cpu = time.perf_counter() - started, time.process_time() - cpu
    zns_seconds, zns_cpu, zns_rows = _approve_by_zns(sessions, settings, clock, author, approver, filters)
    engine.dispose()
    if schema:
        _drop(schema)
    if folder:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return {
        "database": engine.dialect.name, "beneficiaries": PEOPLE, "load_seconds": round(load_seconds, 2),
        "enqueue_many_rows": added, "enqueue_many_seconds": round(writer_seconds, 2),
        "create_seconds": round(create_seconds, 2), "approve_fan_out_rows": queued,
        "approve_fan_out_seconds": round(approve_seconds, 2),
        "approve_python_cpu_seconds": round(approve_cpu, 2),
        "approve_zns_rows": zns_rows, "approve_zns_seconds": round(zns_seconds, 2),
        "approve_zns_python_cpu_seconds": round(zns_cpu, 2),
        "zns_over_sms_cpu_ratio": round(zns_cpu / approve_cpu, 2),
        "goal_seconds": 5.0,
    }
