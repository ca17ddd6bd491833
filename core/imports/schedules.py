"""Importing cash-payment days and places per commune (lịch chi trả tiền mặt).

Rows are upserted by (commune, period, start date, place); a `ScheduleSet` event is reported
only for a new or changed schedule, so reminders are not announced twice.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.imports.bulk import insert_returning, select_in, update_by_id
from core.imports.columns import Layout, parse_row
from core.imports.context import load_context
from core.imports.problems import N_, BadValue, ImportReport, RowError, ScheduleSet
from core.models import CashSchedule

logger = logging.getLogger(__name__)


class ScheduleImport:
    def __init__(self, session: Session, layout: Layout, today: date, now: datetime, report: ImportReport):
        self.session, self.layout, self.today, self.now, self.report = session, layout, today, now, report
        self.ctx = load_context(session, today)

    def _message(self, msgid: str, **values) -> str:
        return BadValue(msgid, **values).message()

    def run(self, rows: Iterable[tuple[int, Mapping[str, object]]]) -> None:
        records: list[dict] = []
        seen: dict[tuple, int] = {}
        for number, raw in rows:
            self.report.total += 1
            values, errors = parse_row(number, raw, self.layout, self.ctx)
            start, end = values.get("tu_ngay"), values.get("den_ngay") or values.get("tu_ngay")
            if start and end and end < start:
                errors.append(RowError(number, self.layout.header("den_ngay"),
                                       self._message(N_("The end date is before the start date."))))
            key = (values.get("ma_xa"), values.get("ky_chi_tra"), start, values.get("dia_diem"))
            if all(key) and key in seen:
                errors.append(RowError(number, self.layout.header("dia_diem"),
                                       self._message(N_("The same schedule already appears on row %(row)s."),
                                                     row=seen[key])))
            elif all(key):
                seen[key] = number
            if errors:
                self.report.errors.extend(errors)
                continue
            record = {"unit_code": key[0], "period": key[1], "start_date": start, "place": key[3],
                      "end_date": end}
            if self.layout.has("gio"):
                record["hours"] = values.get("gio")
            if values.get("hinh_thuc"):
                record["method"] = values["hinh_thuc"]
            records.append(record)
        self._write(records)

    def _write(self, records: list[dict]) -> None:
        periods = sorted({r["period"] for r in records})
        existing = {(row.unit_code, row.period, row.start_date, row.place): row for row in select_in(
            self.session,
            select(CashSchedule.id, CashSchedule.unit_code, CashSchedule.period, CashSchedule.start_date,
                   CashSchedule.place, CashSchedule.end_date, CashSchedule.hours, CashSchedule.method)
            .where(CashSchedule.period.in_(periods)),
            CashSchedule.unit_code,
            [r["unit_code"] for r in records],
        )}
        inserts: list[dict] = []
        updates: list[dict] = []
        for record in records:
            current = existing.get((record["unit_code"], record["period"], record["start_date"],
                                    record["place"]))
            if current is None:
                inserts.append({"method": "cash", "hours": None, **record, "created_at": self.now})
                continue
            change = {k: v for k, v in record.items() if getattr(current, k) != v}
            if change:
                updates.append({"id": current.id, **change})
                self.report.events.append(ScheduleSet(current.id, current.unit_code, current.period))
            else:
                self.report.unchanged += 1
        key_columns = ("unit_code", "period", "start_date", "place")
        ids = {tuple(found[1:]): found[0] for found in
               insert_returning(self.session, CashSchedule, inserts, "id", *key_columns)}
        self.report.events.extend(ScheduleSet(ids[tuple(row[k] for k in key_columns)], row["unit_code"],
                                              row["period"])
                                  for row in inserts)
        update_by_id(self.session, CashSchedule, updates)
        self.report.created += len(inserts)
        self.report.updated += len(updates)
        logger.info("schedules: %d new, %d changed", len(inserts), len(updates))
