"""How long the payment-notification listener adds to an import: N beneficiaries, each with their
own phone and a guardian, paid in one provider results file (2N messages queued and audited).

    .venv/bin/python bench/notify_bench.py [N] [DATABASE_URL]
"""
from __future__ import annotations

import sys
import tempfile
import time
from datetime import date

from sqlalchemy import func, insert, select

from core.clock import FakeClock
from core.storage.db import make_engine, make_session_factory, transaction, upgrade
from core.i18n import translator
from core.imports import import_rows
from core.models import Beneficiary, Contact, Identity, OutboxMessage, Person
from core.notify.events import NotifyOnImport
from core.storage.reference import seed_reference
from core.settings import Settings

TODAY = date(2026, 11, 26)


def populate(sessions, n: int) -> None:
    with transaction(sessions) as session:
        session.execute(insert(Beneficiary), [
            {"id": i, "code": f"B{i:06d}", "full_name": f"Nguyễn Thị Lài {i}",
             "name_ascii": f"nguyen thi lai {i}", "gender": "nu",
                 "birth_year": 1940, "unit_code": "19786", "programme_code": "TCXH",
             "monthly_amount": 750_000, "method": "ewallet",
                 "provider": "Viettel Money"} for i in range(1, n + 1)])
        session.execute(insert(Person),
                        [{"id": i, "language": "vi", "preferred_channel": "sms"} for i in range(1,
                                                                                                2 * n + 1)])
        session.execute(insert(Identity),
                        [{"person_id": i, "kind": "phone", "address": f"+8491{i:07d}", "verified": True}
                                           for i in range(1, 2 * n + 1)])
        session.execute(insert(Contact),
                        [{"person_id": i, "beneficiary_id": i, "role": "self", "consent": True}
                                          for i in range(1, n + 1)]
                        + [{"person_id": n + i, "beneficiary_id": i, "role": "guardian",
                            "consent": True} for i in range(1, n + 1)])


def run(n: int = 10_000, url: str | None = None) -> dict:
    """Baseline: the same import with nothing to notify (status scheduled), in the same run."""
    url = url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    results: dict = {"beneficiaries": n, "database": url.split(":")[0]}
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        seed_reference(session)
    populate(sessions, n)
    clock = FakeClock(TODAY)
    listener = NotifyOnImport(Settings(database_url=url), clock)
    started = time.perf_counter()
    translator("vi")  # the catalogs load once per process; not per import
    results["catalog_load_s"] = round(time.perf_counter() - started, 2)
    for status, label in (("Chờ chi trả", "import without notifications (scheduled)"),
                          ("Đã chi trả", "import with notifications (paid)")):
        rows = [(i + 1, {"ky_chi_tra": "11/2026", "ma_doi_tuong": f"B{i:06d}", "so_tien": "750.000",
                         "trang_thai": status, "ngay_chi_tra": "05/11/2026", "hinh_thuc": "Ví điện tử"})
                for i in range(1, n + 1)]
        started, cpu = time.perf_counter(), time.process_time()
        with transaction(sessions) as session:
            import_rows(session, "payments", rows, today=TODAY, listeners=[listener])
        name = "import_without_messages" if status == "Chờ chi trả" else "import_with_messages"
        results[f"{name}_s"] = round(time.perf_counter() - started, 2)
        results[f"{name}_cpu_s"] = round(time.process_time() - cpu, 2)
        print(f"{label}: {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    with transaction(sessions) as session:
        listener(session, [])
        import_rows(session, "payments", rows, today=TODAY, listeners=[listener])
    results["reimport_s"] = round(time.perf_counter() - started, 2)
    print(f"re-import of the same file: {results['reimport_s']:.2f} s")
    with sessions() as session:
        results["outbox_rows"] = session.scalar(select(func.count()).select_from(OutboxMessage))
    results["ratio_with_to_without"] = round(
        results["import_with_messages_s"] / results["import_without_messages_s"], 1
    )
    results["cpu_ms_per_message"] = round(
        (results["import_with_messages_cpu_s"] - results["import_without_messages_cpu_s"]) * 1000
        / max(1, results["outbox_rows"]), 3)
    results["ms_per_message"] = round(
        (results["import_with_messages_s"] - results["import_without_messages_s"])
        * 1000
        / max(1, results["outbox_rows"]),
        3,
    )
    engine.dispose()
    return results


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    database = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    print(run(count, database))
