"""A national-size beneficiaries list (3.3 million rows, DOMAIN.md) imported into PostgreSQL with
the code path `ansinh import beneficiaries` uses, against the floor of a psql-style COPY of the
same file into an unlogged table of text columns. Reports wall time, rows/s, CPU time and the
process's resident memory sampled every second (it must stay flat while the rows stream by).
Goal: ≤ 5 minutes.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_national \\
        BENCH_NATIONAL_ROWS=300000 python -m bench national

Skipped unless BENCH_DATABASE_URL points at PostgreSQL. It works in its own schema
(`bench_national`), dropped before and after. BENCH_NATIONAL_REIMPORT=1 also times importing
the same file again (nothing changes); BENCH_NATIONAL_PAYMENTS=1 a month of payment results.
"""
from __future__ import annotations

import csv
import os
import random
import resource
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Self

from sqlalchemy import select, text

from bench.import_bench import FAMILY, GIVEN, HEADERS, MIDDLE, PREFIXES
from core.storage.db import make_engine, make_session_factory, transaction, upgrade
from core.imports import import_file
from core.imports.listeners import registered_listeners
from core.storage.reference import CATEGORIES, seed_reference

SCHEMA = "bench_national"
TODAY = date(2026, 11, 26)
PERIOD = "11/2026"
PAYMENT_HEADERS = ["Kỳ chi trả", "Mã đối tượng", "Số tiền", "Trạng thái", "Ngày chi trả", "Hình thức",
                   "Mã giao dịch",
                   "Ghi chú"]
PAGE = os.sysconf("SC_PAGE_SIZE")


def _phone(index: int) -> str:
    """A distinct 10-digit mobile number per index (up to 180 million)."""
    return f"0{PREFIXES[index % len(PREFIXES)]}{index // len(PREFIXES) + 1_000_000:07d}"


def write_files(folder: Path, units: list[tuple[str, str]], rows: int, payments: bool,
                seed: int = 34) -> tuple[Path, Path | None]:
    """Deterministic synthetic lists: every unit of the 34 provinces (2025), Vietnamese names, birth
    dates, categories and their amounts, own and guardians' phones, bank accounts."""
    rng = random.Random(seed)
    codes = sorted(CATEGORIES)
    names = [f"{f} {m} {g}" for f in FAMILY for m in MIDDLE for g in GIVEN]
    path = folder / "doi_tuong_toan_quoc.csv"
    pay_path = folder / "ket_qua_11_2026.csv" if payments else None
    pay_out = pay_path.open("w", newline="", encoding="utf-8") if pay_path else None
    pay_writer = csv.writer(pay_out) if pay_out else None
    if pay_writer:
        pay_writer.writerow(PAYMENT_HEADERS)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        guardian = ("", "")
        for i in range(rows):
            province, unit = units[i * len(units) // rows]
            code = f"{unit}{i:07d}"
            category = codes[rng.randrange(len(codes))]
            programme, _, coefficient = CATEGORIES[category]
            amount = int(500_000 * float(coefficient))
            pick = rng.random()
            method = "Tiền mặt" if pick < 0.21 else "Viettel Money" if pick < 0.65 else "Tài khoản"
            account = f"{rng.randrange(10**11, 10**12)}" if method == "Tài khoản" else ""
            year = rng.randrange(1926, 1966)
            birth = (
                str(year) if i % 4 == 0 else f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/{year}"
            )
            own_phone = _phone(i) if i % 10 < 7 else ""
            if i % 10 >= 6 and i % 3 == 0:  # some guardians look after two or three
                guardian = (names[rng.randrange(len(names))], _phone(10_000_000 + i))
            g_name, g_phone = guardian if i % 10 >= 6 and guardian[1] else ("", "")
            writer.writerow([
                code, names[rng.randrange(len(names))], birth, "Nữ" if rng.random() < 0.55 else "Nam",
                f"0{province}{rng.randrange(10**8, 10**9)}" if i % 2 else "", unit, f"Thôn {i % 17 + 1}",
                programme, category, "", f"{amount:,}".replace(",", "."), method,
                "Viettel" if method == "Viettel Money" else "Bưu điện", account, own_phone, g_name, g_phone,
                "con" if g_name else "",
            ])
            if pay_writer:
                paid = rng.random() < 0.92
                pay_writer.writerow([PERIOD, code, amount, "Đã chi trả" if paid else "Không thành công",
                                     "05/11/2026" if paid else "", method, f"GD{i:09d}" if paid else "",
                                     "" if paid else "Tài khoản bị khóa"])
    if pay_out:
        pay_out.close()
    return path, pay_path


class MemorySampler:
    """Resident memory of this process, read from /proc/self/statm once a second in a thread."""

    def __init__(self, interval: float = 1.0):
        self.interval = interval
        self.samples: list[tuple[float, float]] = []  # (seconds since start, MiB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def rss_mib() -> float:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * PAGE / 2**20

    def _run(self) -> None:
        started = time.perf_counter()
        while not self._stop.is_set():
            self.samples.append((round(time.perf_counter() - started, 1), round(self.rss_mib(), 1)))
            self._stop.wait(self.interval)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict:
        values = [mib for _, mib in self.samples] or [self.rss_mib()]
        tenth = max(1, len(values) // 10)
        return {
            "rss_peak_mib": max(values),
            "rss_first_10pct_max_mib": max(values[:tenth]),
            "rss_last_10pct_max_mib": max(values[-tenth:]),
            "rss_every_10pct_mib": [values[min(len(values) - 1, k * len(values) // 10)] for k in range(11)],
            "rss_samples": len(values),
        }


def server_cpu_seconds() -> float | None:
    """CPU time of every PostgreSQL process on this machine (the import's backend, and the WAL
    writer and checkpointer working for it); None when the server is elsewhere or unreadable."""
    ticks, found = 0, False
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as handle:
                fields = handle.read().rsplit(")", 1)
        except OSError:
            continue
        if fields[0].endswith("(postgres"):
            found = True
            ticks += sum(int(value) for value in fields[1].split()[11:13])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK") if found else None


def _timed(action) -> tuple[float, float, object]:
    started, cpu = time.perf_counter(), time.process_time()
    outcome = action()
    return time.perf_counter() - started, time.process_time() - cpu, outcome


def _copy_floor(url: str, path: Path) -> int:
    """What PostgreSQL alone needs for the file: COPY of its text into an unlogged table."""
    import psycopg

    columns = ", ".join(f"c{i} text" for i in range(len(HEADERS)))
    with psycopg.connect(url.replace("+psycopg", ""), options=f"-csearch_path={SCHEMA}") as connection:
        connection.execute(f"CREATE UNLOGGED TABLE copy_floor ({columns})")
        with connection.cursor() as cursor, path.open("rb") as handle:
            with cursor.copy("COPY copy_floor FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while block := handle.read(1 << 20):
                    copy.write(block)
            count = cursor.execute("SELECT count(*) FROM copy_floor").fetchone()[0]
        connection.execute("DROP TABLE copy_floor")
    return count


def _schema(url: str, create: bool) -> None:
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        if create:
            connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    admin.dispose()


def run() -> dict:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        print("skipped: set BENCH_DATABASE_URL to a PostgreSQL database")
        return {"skipped": "BENCH_DATABASE_URL is not PostgreSQL"}
    rows = int(os.environ.get("BENCH_NATIONAL_ROWS", "3300000"))
    reimport = os.environ.get("BENCH_NATIONAL_REIMPORT") == "1"
    payments = os.environ.get("BENCH_NATIONAL_PAYMENTS") == "1"
    _schema(url, create=True)
    separator = "&" if "?" in url else "?"
    engine = make_engine(f"{url}{separator}options=-csearch_path%3D{SCHEMA}")
    result: dict = {"rows": rows}
    try:
        upgrade(engine)
        sessions = make_session_factory(engine)
        from core.models import Unit

        with transaction(sessions) as session:
            seed_reference(session)
            units = sorted(session.execute(select(Unit.parent_code,
                                                  Unit.code).where(Unit.parent_code.isnot(None))).all())
        with tempfile.TemporaryDirectory(prefix="ansinh-national-") as tmp:
            generated, _, (path, pay_path) = _timed(lambda: write_files(Path(tmp), units, rows, payments))
            result.update(units=len(units), provinces=len({p for p, _ in units}),
                          file_mib=round(path.stat().st_size / 2**20),
                          generate_seconds=round(generated, 1))
            floor, _, copied = _timed(lambda: _copy_floor(url, path))
            rss_before = MemorySampler.rss_mib()
            # Other work on the machine
            result["load_average_before"] = [round(x, 1) for x in os.getloadavg()]
            server_before = server_cpu_seconds()
            with MemorySampler() as memory:
                wall, cpu, report = _timed(lambda: import_file(sessions, "beneficiaries", path, today=TODAY,
                                                               listeners=registered_listeners()))
            result.update(
                copy_floor_seconds=round(floor, 1), copy_floor_rows=copied,
                import_seconds=round(wall, 1), import_cpu_seconds=round(cpu, 1),
                server_cpu_seconds=round(server_cpu_seconds() - server_before,
                                         1) if server_before is not None else None,
                rows_per_second=round(rows / wall), ratio_import_to_copy=round(wall / floor, 1),
                created=report.created, rejected=report.rejected, rss_before_import_mib=round(rss_before, 1),
                **memory.summary(),
                ru_maxrss_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                target_met=wall <= 300 * rows / 3_300_000 and report.rejected == 0,  # 5 minutes for 3.3 M
                load_average_after=[round(x, 1) for x in os.getloadavg()],
            )
            with sessions() as session:
                result["tables"] = {name: session.scalar(text(f"SELECT count(*) FROM {name}")) for name in (
                    "beneficiaries", "beneficiary_categories", "persons", "identities", "contacts")}
            if reimport:
                again, again_cpu, second = _timed(lambda: import_file(sessions, "beneficiaries", path,
                                                                      today=TODAY))
                result.update(reimport_seconds=round(again, 1), reimport_cpu_seconds=round(again_cpu, 1),
                              reimport_unchanged=second.unchanged,
                              reimport_written=second.created + second.updated)
            if pay_path:
                with MemorySampler() as pay_memory:
                    paying, paying_cpu, pay_report = _timed(lambda: import_file(
                        sessions, "payments", pay_path, today=TODAY, listeners=registered_listeners()))
                result.update(payments_seconds=round(paying, 1), payments_cpu_seconds=round(paying_cpu, 1),
                              payments_created=pay_report.created,
                              payments_rss_peak_mib=pay_memory.summary()["rss_peak_mib"])
    finally:
        engine.dispose()
        _schema(url, create=False)
    for key, value in result.items():
        print(f"{key}: {value}")
    return result


if __name__ == "__main__":
    run()
