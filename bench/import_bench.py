"""Importing the province's whole list: 60,738 beneficiaries (DOMAIN.md) and a month of payment
results for all of them, into a fresh SQLite database, against the baseline of merely reading
the same CSV with csv.DictReader. Target: the beneficiaries import under 10 seconds.

    python -m bench import
"""
from __future__ import annotations

import csv
import random
import tempfile
import time
from datetime import date
from pathlib import Path

from core.storage.db import make_engine, make_session_factory, transaction, upgrade
from core.imports import import_file
from core.storage.reference import CATEGORIES, HUE_PROVINCE_CODE, seed_reference

BENEFICIARIES = 60_738
TODAY = date(2026, 11, 26)
PERIOD = "11/2026"
HEADERS = ["Mã đối tượng", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Mã xã", "Địa chỉ", "Chế độ",
           "Diện đối tượng", "Hệ số", "Số tiền hàng tháng", "Hình thức nhận", "Đơn vị chi trả",
           "Số tài khoản",
           "Số điện thoại", "Người giám hộ", "SĐT người giám hộ", "Quan hệ"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
          "Tôn Thất"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đình", "Thị Thanh", "Công", "Ngọc"]
GIVEN = ["Lài", "Tư", "Mai", "Bảy", "Sáu", "Hùng", "Hoa", "Lan", "Cúc", "Đào", "Sen", "Tâm", "Phúc", "Lộc",
         "An"]
PREFIXES = ["91", "94", "88", "98", "97", "96", "86", "90", "93", "70", "76", "77", "78", "79", "83", "84",
            "32", "35"]


def _phone(index: int, old_style: bool) -> str:
    """A distinct mobile number per index; some in old 11-digit or +84 spellings."""
    if old_style:
        return f"0168{index:07d}"  # becomes +8438…
    prefix = PREFIXES[index % len(PREFIXES)]
    number = f"0{prefix}{index // len(PREFIXES) + 1_000_000:07d}"
    return number if index % 3 else "+84 " + number[1:4] + " " + number[4:7] + " " + number[7:]


def write_files(folder: Path, units: list[str], seed: int = 46) -> tuple[Path, Path]:
    rng = random.Random(seed)
    codes = sorted(CATEGORIES)
    beneficiaries, payments = folder / "doi_tuong.csv", folder / "ket_qua_11_2026.csv"
    with beneficiaries.open("w", newline="", encoding="utf-8") as b_out, \
            payments.open("w", newline="", encoding="utf-8") as p_out:
        b_writer, p_writer = csv.writer(b_out), csv.writer(p_out)
        b_writer.writerow(HEADERS)
        p_writer.writerow(["Kỳ chi trả", "Mã đối tượng", "Số tiền", "Trạng thái", "Ngày chi trả", "Hình thức",
                           "Mã giao dịch", "Ghi chú"])
        guardian = None
        for i in range(BENEFICIARIES):
            code = f"HUE{i:06d}"
            category = rng.choice(codes)
            programme = CATEGORIES[category][0]
            amount = int(500_000 * float(CATEGORIES[category][2]))
            method = rng.choices(["Tiền mặt", "Viettel Money", "Tài khoản"], [21, 44, 35])[0]
            account = f"{rng.randrange(10**11, 10**12)}" if method == "Tài khoản" else ""
            birth = (
                str(rng.randrange(1926, 1960))
                if i % 4
                else f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/{rng.randrange(1926, 1960)}"
            )
            own_phone = _phone(i, i % 50 == 0) if i % 10 < 7 else ""
            if i % 10 >= 6 and (guardian is None or i % 3 == 0):  # some guardians look after two or three
                guardian = (f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                            _phone(200_000 + i, False))
            g_name, g_phone = guardian if i % 10 >= 6 else ("", "")
            b_writer.writerow([
                code, f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}", birth,
                rng.choice(["Nam", "Nữ"]), f"046{rng.randrange(10**8, 10**9)}" if i % 2 else "",
                units[i % len(units)], f"Thôn {i % 17 + 1}", programme, category, "",
                f"{amount:,}".replace(",", "."),
                method, "Viettel" if method == "Viettel Money" else "Bưu điện", account, own_phone,
                g_name, g_phone, "con" if g_name else "",
            ])
            status = rng.choices(["Đã chi trả", "Không thành công", "Bị trả về", "Chờ chi trả"],
                                 [90, 5, 2, 3])[0]
            p_writer.writerow([PERIOD, code, amount, status, "05/11/2026" if status == "Đã chi trả" else "",
                               method,
                               f"GD{i:08d}" if status == "Đã chi trả" and method != "Tiền mặt" else "",
                               "Tài khoản bị khóa" if status == "Không thành công" else ""])
    return beneficiaries, payments


def _seconds(action) -> tuple[float, float, object]:
    """Wall-clock and CPU seconds: on a shared machine the CPU time shows the work itself."""
    started, cpu = time.perf_counter(), time.process_time()
    outcome = action()
    return time.perf_counter() - started, time.process_time() - cpu, outcome


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="ansinh-import-bench-") as tmp:
        folder = Path(tmp)
        engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
        upgrade(engine)
        sessions = make_session_factory(engine)
        with transaction(sessions) as session:
            seed_reference(session)
            from sqlalchemy import select

            from core.models import Unit

            units = list(
                session.scalars(
                    select(Unit.code).where(Unit.parent_code == HUE_PROVINCE_CODE).order_by(Unit.code)
                )
            )
        beneficiaries, payments = write_files(folder, units)

        def read_only() -> int:
            with beneficiaries.open(encoding="utf-8", newline="") as handle:
                return sum(1 for _ in csv.DictReader(handle))

        baseline, _cpu, rows = _seconds(read_only)
        first, first_cpu, report = _seconds(lambda: import_file(sessions, "beneficiaries", beneficiaries,
                                                                today=TODAY))
        again, again_cpu, report_again = _seconds(
            lambda: import_file(sessions, "beneficiaries", beneficiaries, today=TODAY))
        paying, paying_cpu, pay_report = _seconds(lambda: import_file(sessions, "payments", payments,
                                                                      today=TODAY))
        engine.dispose()
    result = {
        "rows": rows,
        "csv_dictreader_seconds": round(baseline, 3),
        "beneficiaries_import_seconds": round(first, 2),
        "beneficiaries_import_cpu_seconds": round(first_cpu, 2),
        "beneficiaries_reimport_seconds": round(again, 2),
        "beneficiaries_reimport_cpu_seconds": round(again_cpu, 2),
        "payments_import_seconds": round(paying, 2),
        "payments_import_cpu_seconds": round(paying_cpu, 2),
        "ratio_import_to_dictreader": round(first / baseline, 1),
        "ratio_payments_to_dictreader": round(paying / baseline, 1),
        "created": report.created, "rejected": report.rejected,
        "reimport_unchanged": report_again.unchanged, "payments_created": pay_report.created,
        "payment_events": len(pay_report.events),
        "target_met": first < 10.0,
    }
    for key, value in result.items():
        print(f"{key}: {value}")
    return result


if __name__ == "__main__":
    run()
