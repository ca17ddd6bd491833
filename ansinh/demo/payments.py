"""Payment results for the demo's past months, the coming month's payee list, and every unit's
cash days, written as the providers and officers write them. Months are ansinh.demo.calendar's:
in the report month exactly the people drawn as "paid through an account" are paid into it."""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import date

from ansinh.demo.calendar import DemoMonths, day_of
from ansinh.demo.people import METHOD_WRITTEN, DemoPerson, format_amount
from ansinh.demo.units import DemoUnit

logger = logging.getLogger(__name__)

STATUS_WRITTEN = {"scheduled": "Chờ chi trả", "sent": "Đã chuyển", "paid": "Đã chi trả",
                  "failed": "Không thành công", "returned": "Bị trả về", "on_hold": "Tạm dừng"}
FAILURES = {"ewallet": ["Ví chưa định danh", "Tài khoản bị khóa", "Ví chưa định danh"],
            "account": ["Sai số tài khoản", "Tài khoản bị khóa"]}
DECEASED = "Người hưởng đã chết"
HOLD_REASONS = ["Chờ xác minh nơi cư trú", "Đang xác minh thông tin đối tượng", "Chờ xác nhận báo tử"]
HOURS = ["7h30-11h00", "7h00-11h00", "7h30-16h30", "13h30-16h30", "7h00-10h30"]
TX_PREFIX = {"ewallet": "VTM", "account": "VTB"}


@dataclass(frozen=True)
class Outcome:
    status: str
    paid_on: date | None = None
    note: str | None = None


def _written(day: date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else ""


def unit_schedule(rng: random.Random, unit: DemoUnit, period: str) -> list[dict[str, str]]:
    """1–3 cash points of one unit for one period, on consecutive days between the 2nd and the 10th."""
    short = unit.short_name
    if unit.kind == "phuong":
        places = [f"UBND phường {short}", f"Bưu điện văn hóa phường {short}",
                  f"Nhà văn hóa tổ dân phố {rng.randint(1, 12)}, phường {short}"]
    else:
        places = [f"Nhà văn hóa thôn {v}" for v in rng.sample(unit.villages, min(2, len(unit.villages)))]
        places += [f"Bưu điện văn hóa xã {short}", f"UBND xã {short}"]
    count = rng.choice([1, 2, 2, 3]) if unit.pays_electronically else 3
    chosen = rng.sample(places, count)
    first = rng.randint(2, 10 - 2 * count + 1)
    rows = []
    for i, place in enumerate(chosen):
        start = first + 2 * i
        end = min(start + rng.choice([0, 1]), 10)
        rows.append({"ky_chi_tra": f"{period[5:]}/{period[:4]}", "ma_xa": unit.code, "hinh_thuc": "Tiền mặt",
                     "tu_ngay": _written(day_of(period, start)), "den_ngay": _written(day_of(period, end)),
                     "gio": rng.choice(HOURS), "dia_diem": place})
    return rows


def _cash_day(rng: random.Random, period: str, schedule: list[dict[str, str]]) -> date:
    if not schedule:
        return day_of(period, rng.randint(2, 10))
    point = rng.choice(schedule)
    first, last = int(point["tu_ngay"][:2]), int(point["den_ngay"][:2])
    return day_of(period, rng.randint(first, last))


def outcomes(rng: random.Random, person: DemoPerson, cash_days: dict[str, list[dict[str, str]]],
             months: DemoMonths) -> dict[str, Outcome]:
    """What happened to one person's money each month (results) and what is planned next month.
    In the report month an electronic person is paid exactly when drawn as paid through an account."""
    result: dict[str, Outcome] = {}
    report = months.report
    roll = rng.random()
    died_in = rng.choice(months.results[1:]) if roll < 0.0015 else None
    held_from = rng.choice(months.results) if 0.0015 <= roll < 0.0035 else None
    hold_reason = rng.choice(HOLD_REASONS[:2])
    if person.electronic and person.paid_in_report:  # nothing may stop the report month's payment
        died_in = died_in if died_in and died_in > report else None
        held_from = held_from if held_from and held_from > report else None
    elif person.electronic and (died_in or held_from) is None:
        held_from = report if rng.random() < 0.2 else None  # not paid in the report month: held or failed
    stopped = False
    for period in months.results:
        if stopped:
            result[period] = Outcome("on_hold", note=HOLD_REASONS[2])
        elif period == died_in:
            result[period], stopped = Outcome("returned", note=DECEASED), True
        elif held_from is not None and period >= held_from:
            result[period] = Outcome("on_hold", note=hold_reason)
        elif person.electronic and (rng.random() < 0.015 or (period == report and not person.paid_in_report)):
            result[period] = Outcome("failed", note=rng.choice(FAILURES[person.method]))
        elif not person.electronic and period == report and rng.random() < 0.02:
            result[period] = Outcome("sent", note="Chưa đến nhận tiền mặt")
        elif not person.electronic and rng.random() < 0.005:
            result[period] = Outcome("returned", note="Quá thời hạn nhận tiền mặt")
        elif person.electronic:
            result[period] = Outcome("paid", day_of(period, rng.randint(2, 5)))
        else:
            result[period] = Outcome("paid", _cash_day(rng, period, cash_days.get(period, [])))
    if person.electronic and person.paid_in_report:
        result[report] = Outcome("paid", day_of(report, rng.randint(2, 5)))
    if stopped:
        result[months.coming] = Outcome("on_hold", note=HOLD_REASONS[2])
    elif held_from is not None:
        result[months.coming] = Outcome("on_hold", note=hold_reason)
    else:
        result[months.coming] = Outcome("scheduled")
    return result


def payment_row(person: DemoPerson, period: str, outcome: Outcome,
                transaction_id: str | None = None) -> dict[str, str]:
    if transaction_id is None and outcome.status == "paid" and person.electronic:
        transaction_id = f"{TX_PREFIX[person.method]}{outcome.paid_on:%y%m%d}{person.code[4:]}"
    return {
        "ky_chi_tra": f"{period[5:]}/{period[:4]}", "ma_doi_tuong": person.code,
        "so_tien": format_amount(person.amount), "trang_thai": STATUS_WRITTEN[outcome.status],
        "ngay_chi_tra": _written(outcome.paid_on), "hinh_thuc": METHOD_WRITTEN[person.method],
        "ma_giao_dich": transaction_id or "", "ghi_chu": outcome.note or "",
    }
