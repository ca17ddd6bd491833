"""Importing a payment list or a provider's results for a period.

Rows are upserted by (beneficiary, period). A `PaymentChanged` event is reported only for a new
payment or a changed status, so re-importing the same results notifies nobody twice.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.imports import bulk
from core.imports.columns import Layout, parse_row
from core.imports.context import load_context
from core.imports.problems import N_, BadValue, ImportReport, PaymentChanged, RowError
from core.models import Beneficiary, Payment

logger = logging.getLogger(__name__)
# File column -> Payment field compared and written when the column is in the file.
OPTIONAL_FIELDS = {"ngay_chi_tra": "paid_on", "ma_giao_dich": "transaction_id", "ghi_chu": "note"}


class PaymentImport:
    chunk_size: int | None = None  # rows validated and written together (default: bulk.chunk_rows)

    def __init__(self, session: Session, layout: Layout, today: date, now: datetime, report: ImportReport):
        self.session, self.layout, self.today, self.now, self.report = session, layout, today, now, report
        self.ctx = load_context(session, today)

    def _error(self, row: int, key: str, msgid: str, **values) -> None:
        self.report.add_errors([RowError(row, self.layout.header(key), BadValue(msgid, **values).message())])

    def run(self, rows: Iterable[tuple[int, Mapping[str, object]]]) -> None:
        """Validate and write the rows a chunk at a time, all in the caller's transaction."""
        self.seen_keys = bulk.SeenKeys(self.session)
        with bulk.ChunkWriter(self._chunk, background=bulk.on_postgresql(self.session)) as writer:
            for chunk in bulk.in_chunks(rows, self.chunk_size or bulk.chunk_rows(self.session)):
                records: list[tuple[int, dict]] = []
                seen: dict[tuple[str, str], int] = {}
                errors_by_row: dict[int, list[RowError]] = {}
                for number, raw in chunk:
                    self.report.total += 1
                    values, errors = parse_row(number, raw, self.layout, self.ctx)
                    key = (values.get("ma_doi_tuong"), values.get("ky_chi_tra"))
                    if all(key) and key in seen:
                        errors.append(RowError(number, self.layout.header("ma_doi_tuong"),
                                               BadValue(N_("Code «%(code)s» already has a row for %(period)s "
                                                           "on row %(row)s."),
                            code=key[0], period=f"{key[1][5:]}/{key[1][:4]}", row=seen[key]).message()))
                    elif all(key):
                        seen[key] = number
                    if errors:
                        errors_by_row[number] = errors
                    else:
                        records.append((number, values))
                writer.submit(records, seen, errors_by_row)

    def _chunk(self, records: list[tuple[int, dict]], seen: dict[tuple[str, str], int],
               errors_by_row: dict[int, list]) -> None:
        """Drop (code, period) pairs met in an earlier chunk (an error on the later row), report
        the chunk's problems, then write its good rows."""
        earlier = self.seen_keys.add({f"{code}\x1f{period}": row for (code, period), row in seen.items()})
        for key, first in earlier.items():
            code, period = key.split("\x1f")
            number = seen[(code, period)]
            errors_by_row.setdefault(number,
                                     []).append(RowError(number, self.layout.header("ma_doi_tuong"), BadValue(
                N_("Code «%(code)s» already has a row for %(period)s on row %(row)s."),
                code=code, period=f"{period[5:]}/{period[:4]}", row=first).message()))
        if earlier:
            records = [(number, values) for number, values in records if number not in errors_by_row]
        for number in sorted(errors_by_row):
            self.report.add_errors(errors_by_row[number])
        if records:
            self._write(records)

    def _write(self, records: list[tuple[int, dict]]) -> None:
        beneficiaries = {row.code: row for row in bulk.select_in(
            self.session,
            select(Beneficiary.code, Beneficiary.id, Beneficiary.monthly_amount, Beneficiary.method,
                   Beneficiary.provider),
            Beneficiary.code,
            [values["ma_doi_tuong"] for _, values in records],
        )}
        periods = sorted({values["ky_chi_tra"] for _, values in records})
        existing = {(row.beneficiary_id, row.period): row for row in bulk.select_in(
            self.session,
            select(Payment.id, Payment.beneficiary_id, Payment.period, Payment.amount, Payment.status,
                   Payment.method, Payment.paid_on, Payment.transaction_id, Payment.note)
            .where(Payment.period.in_(periods)),
            Payment.beneficiary_id,
            [b.id for b in beneficiaries.values()],
        )}
        inserts: list[dict] = []
        updates: list[dict] = []
        for number, values in records:
            beneficiary = beneficiaries.get(values["ma_doi_tuong"])
            if beneficiary is None:
                self._error(number, "ma_doi_tuong", N_("No beneficiary has the code «%(code)s»."),
                            code=values["ma_doi_tuong"])
                continue
            current = existing.get((beneficiary.id, values["ky_chi_tra"]))
            change = self._changes(values, current)
            if current is None:
                amount = (
                    values.get("so_tien") if values.get("so_tien") is not None else beneficiary.monthly_amount
                )
                if amount is None:
                    self._error(
                        number,
                        "so_tien",
                        N_("No amount: the file gives none and the beneficiary has no monthly amount."),
                    )
                    continue
                inserts.append({
                    "beneficiary_id": beneficiary.id, "period": values["ky_chi_tra"], "amount": amount,
                    "status": values["trang_thai"], "method": values.get("hinh_thuc") or beneficiary.method,
                    "provider": beneficiary.provider, "paid_on": None, "transaction_id": None, "note": None,
                    **change, "status_changed_at": self.now, "created_at": self.now, "updated_at": self.now,
                })
            elif change:
                if "status" in change:
                    change["status_changed_at"] = self.now
                    self.report.events.append(PaymentChanged(current.id, beneficiary.id, current.period,
                                                             current.status, change["status"]))
                updates.append({"id": current.id, **change, "updated_at": self.now})
            else:
                self.report.unchanged += 1
        for payment_id, row in zip(bulk.allocate_ids(self.session, Payment, len(inserts)), inserts):
            row["id"] = payment_id
            self.report.events.append(PaymentChanged(payment_id, row["beneficiary_id"], row["period"], None,
                                                     row["status"]))
        bulk.insert_rows(self.session, Payment, inserts)
        bulk.update_by_id(self.session, Payment, updates)
        self.report.created += len(inserts)
        self.report.updated += len(updates)
        logger.info("payments: %d new, %d changed", len(inserts), len(updates))

    def _changes(self, values: dict, current) -> dict:
        """Fields whose value in the file differs from the stored payment (all of them if new)."""
        wanted = {"status": values["trang_thai"]}
        if values.get("so_tien") is not None:
            wanted["amount"] = values["so_tien"]
        if values.get("hinh_thuc"):
            wanted["method"] = values["hinh_thuc"]
        for key, field in OPTIONAL_FIELDS.items():
            if self.layout.has(key):
                wanted[field] = values.get(key)
        if current is None:
            return wanted
        return {field: value for field, value in wanted.items() if getattr(current, field) != value}
