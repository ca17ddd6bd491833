"""Putting the demo province in the database through the officers' own importer, and writing a
small sample of it as the officers' CSV files.

Loading goes through `core.imports` like any commune's list, so the demo exercises the same path;
the importer's row hashes make a second load change nothing. No listener is passed: loading the
demo sends nobody a message.

A full load of the province takes tens of seconds, and `make run` loads it every time. So each
load leaves an audit row with a fingerprint of the generated rows; when the newest import in the
audit log is that same load and the demo's rows are all still there, the next run skips the
import (`force=True` re-imports anyway, changing nothing when nothing changed).
"""
from __future__ import annotations

import csv
import hashlib
import logging
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from core.storage.db import transaction
from ansinh.demo.calendar import DemoMonths
from ansinh.demo.generator import DemoData, generate
from ansinh.demo.identities import IDENTITY_PEOPLE
from core.models import AuditLog, Beneficiary, FormerUnit, Payment, Unit

logger = logging.getLogger(__name__)

# The officers' Vietnamese headers (INTERFACES.md, "Import files"), by snake_case key.
HEADERS = {
    "ma_doi_tuong": "Mã đối tượng", "ho_ten": "Họ và tên", "ngay_sinh": "Ngày sinh", "gioi_tinh": "Giới tính",
    "so_cccd": "Số CCCD", "ma_xa": "Mã xã", "dia_chi": "Địa chỉ", "che_do": "Chế độ",
    "dien_doi_tuong": "Diện đối tượng", "he_so": "Hệ số", "so_tien": "Số tiền hàng tháng",
    "hinh_thuc": "Hình thức nhận", "don_vi_chi_tra": "Đơn vị chi trả", "so_tai_khoan": "Số tài khoản",
    "so_dien_thoai": "Số điện thoại", "nguoi_giam_ho": "Người giám hộ",
    "sdt_nguoi_giam_ho": "SĐT người giám hộ",
    "quan_he": "Quan hệ",
}
PAYMENT_HEADERS = {
    "ky_chi_tra": "Kỳ chi trả", "ma_doi_tuong": "Mã đối tượng", "so_tien": "Số tiền",
    "trang_thai": "Trạng thái",
    "ngay_chi_tra": "Ngày chi trả", "hinh_thuc": "Hình thức", "ma_giao_dich": "Mã giao dịch",
    "ghi_chu": "Ghi chú",
}
SCHEDULE_HEADERS = {
    "ky_chi_tra": "Kỳ chi trả", "ma_xa": "Mã xã", "hinh_thuc": "Hình thức", "tu_ngay": "Từ ngày",
    "den_ngay": "Đến ngày", "gio": "Giờ", "dia_diem": "Địa điểm",
}
KINDS = ("beneficiaries", "payments", "schedules")
DEMO_ACTION = "demo.load"


@dataclass
class DemoSummary:
    """What one load did: per kind the importer's report, and how many units got officer info."""

    units: int = 0  # commune-level units in the demo
    units_updated: int = 0
    reports: dict = field(default_factory=dict)  # kind -> ImportReport
    skipped: bool = False  # already loaded: nothing was imported

    @property
    def changed(self) -> int:
        return self.units_updated + sum(r.created + r.updated for r in self.reports.values())

    @property
    def errors(self) -> list:
        return [e for r in self.reports.values() for e in r.errors]


def set_unit_officers(session: Session, data: DemoData) -> int:
    """Officer name, phone, office and electronic payment for each demo unit; returns units changed."""
    wanted = {info["code"]: info for info in data.unit_officers()}
    changed = 0
    for unit in session.scalars(select(Unit).where(Unit.code.in_(list(wanted)))):
        info = wanted[unit.code]
        fields = ("officer_name", "officer_phone", "office_address", "pays_electronically")
        if any(getattr(unit, f) != info[f] for f in fields):
            for f in fields:
                setattr(unit, f, info[f])
            changed += 1
    missing = set(wanted) - set(session.scalars(select(Unit.code).where(Unit.code.in_(list(wanted)))))
    if missing:
        raise LookupError(
            f"units missing from the reference data: {sorted(missing)}; run `ansinh db upgrade`"
        )
    return changed


def set_former_units(session: Session, data: DemoData) -> int:
    """The demo's communes of before the 2025 merger and the unit each is part of; returns rows changed."""
    existing = {row.code: row for row in session.scalars(select(FormerUnit))}
    changed = 0
    for former in data.former_units:
        values = former.row()
        row = existing.get(former.code)
        if row is None:
            session.add(FormerUnit(**values))
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
        else:
            continue
        changed += 1
    return changed


def _numbered(rows: Iterable[dict]) -> Iterable[tuple[int, dict]]:
    """Rows numbered as in a spreadsheet: the header is row 1."""
    return ((number, row) for number, row in enumerate(rows, start=2))


def fingerprint(data: DemoData) -> str:
    """A digest of everything a load would write."""
    digest = hashlib.sha256(f"{data.seed}:{data.scale}:{data.months.report}".encode())
    for info in data.unit_officers():
        digest.update(repr(sorted(info.items())).encode())
    for former in data.former_units:
        digest.update(repr(former).encode())
    for kind in KINDS:
        for row in getattr(data, kind):
            digest.update("\x1f".join(row.values()).encode())
            digest.update(b"\x1e")
    return digest.hexdigest()


def _already_loaded(session: Session, data: DemoData, digest: str) -> bool:
    """The newest import was this very demo load, and its beneficiaries and payments are still there."""
    latest = session.scalars(
        select(AuditLog).where(or_(AuditLog.action == DEMO_ACTION, AuditLog.action.like("import.%")))
        .order_by(AuditLog.id.desc()).limit(1)
    ).first()
    if latest is None or latest.action != DEMO_ACTION or (latest.detail or {}).get("fingerprint") != digest:
        return False
    codes = [row["ma_doi_tuong"] for row in data.beneficiaries]
    low, high = min(codes), max(codes)
    in_range = Beneficiary.code.between(low, high)
    people = session.scalar(select(func.count()).select_from(Beneficiary).where(in_range))
    payments = session.scalar(select(func.count()).select_from(Payment).join(Beneficiary)
                              .where(in_range, Payment.period.in_(data.months.all)))
    return people == len(data.beneficiaries) and payments == len(data.payments)


def load_demo(session_factory: sessionmaker[Session], today: date, *, seed: int = 46, scale: float = 1.0,
              data: DemoData | None = None, force: bool = False) -> DemoSummary:
    """Load (or re-load, changing nothing) the demo province, its months counted from `today`; one
    transaction for it all."""
    from core.imports import ImportReport, import_rows

    data = data or generate(seed=seed, scale=scale, today=today)
    digest = fingerprint(data)
    summary = DemoSummary(units=len(data.units))
    with transaction(session_factory) as session:
        if not force and _already_loaded(session, data, digest):
            summary.skipped = True
            for kind in KINDS:
                total = len(getattr(data, kind))
                summary.reports[kind] = ImportReport(kind, total=total, unchanged=total)
            logger.info("demo already loaded (fingerprint %s): nothing to do", digest[:12])
            return summary
        summary.units_updated = set_unit_officers(session, data) + set_former_units(session, data)
        for kind in KINDS:
            summary.reports[kind] = import_rows(session, kind, _numbered(getattr(data, kind)), today=today)
        if summary.errors:
            logger.error("demo rows rejected by the importer: %s", summary.errors[:5])
            raise ValueError(f"{len(summary.errors)} demo rows were rejected, first: {summary.errors[0]}")
        session.add(AuditLog(actor="cli:demo", action=DEMO_ACTION, detail={
            "fingerprint": digest, "seed": data.seed, "scale": data.scale, "report_month": data.months.report,
            **{kind: {"total": r.total, "created": r.created, "updated": r.updated}
               for kind, r in summary.reports.items()},
        }))
    logger.info("demo loaded: %d changes", summary.changed)
    return summary


def loaded_months(session: Session) -> DemoMonths | None:
    """The months of the demo last loaded (its report month is in the load's audit row)."""
    detail = session.scalar(select(AuditLog.detail).where(AuditLog.action == DEMO_ACTION)
                            .order_by(AuditLog.id.desc()).limit(1))
    report = (detail or {}).get("report_month")
    return DemoMonths(report) if report else None


def _write_csv(path: Path, headers: dict[str, str], rows: Iterable[dict]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(headers.values())
        for row in rows:
            writer.writerow(row[key] for key in headers)


def sample_codes(data: DemoData, others: int = 50) -> list[str]:
    """The documented identities plus `others` people drawn with the data's seed."""
    rng = random.Random(f"{data.seed}:sample")
    fixed = [p.code for p in IDENTITY_PEOPLE]
    pool = [p.code for p in data.people if p.code not in fixed]
    return fixed + sorted(rng.sample(pool, min(others, len(pool))))


def write_officer_files(directory: str | Path, data: DemoData | None = None, others: int = 50) -> list[Path]:
    """beneficiaries.csv, the report month's payments (payments_2026-11.csv for the committed sample)
    and the next month's cash days (schedules_2026-12.csv) as officers would send them: Vietnamese
    headers, UTF-8 with BOM, dd/mm/yyyy dates."""
    data = data or generate()
    report, coming = (f"{p[5:]}/{p[:4]}" for p in (data.months.report, data.months.coming))
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    codes = sample_codes(data, others)
    wanted = set(codes)
    order = {code: i for i, code in enumerate(codes)}
    files = {
        "beneficiaries.csv": (HEADERS, sorted((r for r in data.beneficiaries if r["ma_doi_tuong"] in wanted),
                                             key=lambda r: order[r["ma_doi_tuong"]])),
        f"payments_{data.months.report}.csv": (PAYMENT_HEADERS, sorted(
            (r for r in data.payments if r["ky_chi_tra"] == report and r["ma_doi_tuong"] in wanted),
            key=lambda r: order[r["ma_doi_tuong"]])),
        f"schedules_{data.months.coming}.csv": (SCHEDULE_HEADERS,
                                                [r for r in data.schedules if r["ky_chi_tra"] == coming]),
    }
    paths = []
    for name, (headers, rows) in files.items():
        _write_csv(directory / name, headers, rows)
        paths.append(directory / name)
    return paths
