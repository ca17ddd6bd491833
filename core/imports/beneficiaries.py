"""Importing the commune's beneficiaries list (danh sách đối tượng).

Each good row becomes a Beneficiary, its categories and its people (core.imports.people).
A row whose normalised content hashes to the stored `row_hash` is counted unchanged and not
touched, so importing the same file twice changes nothing. Columns absent from the file leave
the stored values alone. National ID and account numbers are kept only as keyed hashes.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.imports import bulk
from core.imports.columns import Layout, ParseContext, parse_row
from core.imports.context import StandardLevels, load_context
from core.imports.foreign_keys import SetWiseKeys
from core.imports.hashing import identifier_hasher
from core.imports.people import Link, PeopleSync, Wanted
from core.imports.problems import N_, BadValue, ImportReport, RowError
from core.models import Beneficiary, BeneficiaryCategory, Person
from core.privacy.reimport import skip_erased_codes
from core.imports.providers import alias_key
from core.vietnamese_text import fold

logger = logging.getLogger(__name__)

# Beneficiary field -> the columns it comes from; a field is written only when one is in the file.
FIELD_SOURCES = {
    "full_name": ("ho_ten",), "name_ascii": ("ho_ten",), "birth_date": ("ngay_sinh",),
    "birth_year": ("ngay_sinh",),
    "gender": ("gioi_tinh",), "national_id_hash": ("so_cccd",), "unit_code": ("ma_xa",),
    "address": ("dia_chi",),
    "programme_code": ("che_do", "dien_doi_tuong"), "coefficient": ("he_so", "dien_doi_tuong"),
    "monthly_amount": ("so_tien", "he_so", "dien_doi_tuong"), "method": ("hinh_thuc",),
    "provider": ("don_vi_chi_tra",), "account_last4": ("so_tai_khoan",), "account_hash": ("so_tai_khoan",),
    "has_account": ("hinh_thuc", "so_tai_khoan"),
}
AUTHORISED_WORDS = ("uy quyen", "duoc uy quyen")


# Names repeat a lot across a list (family, middle and given names are few): fold each once.
_folded_name = lru_cache(maxsize=65_536)(fold)


@lru_cache(maxsize=1024)
def _guardian_role(relation: str | None) -> str:
    """'được ủy quyền' makes an authorised person; any other relation (con, cháu…) a guardian."""
    return "authorised" if relation and any(w in fold(relation) for w in AUTHORISED_WORDS) else "guardian"


class BeneficiaryImport:
    chunk_size: int | None = None  # rows validated and written together (default: bulk.chunk_rows)

    def __init__(self, session: Session, layout: Layout, today: date, now: datetime, report: ImportReport):
        self.session, self.layout, self.today, self.now, self.report = session, layout, today, now, report
        self.ctx: ParseContext = load_context(session, today)
        self.levels = StandardLevels(session, today)
        self.fields = [f for f, sources in FIELD_SOURCES.items() if any(layout.has(s) for s in sources)]
        self.hash_prefix = "".join(f"{field}\x1f" for field in self.fields)  # the same for every row
        self.slots = [slot for slot, key in (("self", "so_dien_thoai"), ("guardian", "sdt_nguoi_giam_ho"))
                      if layout.has(key)]
        self.hashed = identifier_hasher()  # keyed once, not per number
        self.chunks_written = 0
        # New and changed beneficiaries and new persons carry the import's time: its own rows.
        self.keys = SetWiseKeys(session, ours={"beneficiaries": Beneficiary.updated_at == now,
                                               "persons": Person.created_at == now})

    def run(self, rows: Iterable[tuple[int, Mapping[str, object]]]) -> None:
        """Validate and write the rows a chunk at a time, all in the caller's transaction."""
        self.seen_codes = bulk.SeenKeys(self.session)
        self.seen_phones = bulk.SeenKeys(self.session)
        self.deferred: list[Wanted] = []
        with self.keys:  # the writer has stopped before the triggers come back
            with bulk.ChunkWriter(self._chunk, background=bulk.on_postgresql(self.session)) as writer:
                for chunk in bulk.in_chunks(rows, self.chunk_size or bulk.chunk_rows(self.session)):
                    records: dict[str, dict] = {}
                    first_row: dict[str, int] = {}
                    errors_by_row: dict[int, list[RowError]] = {}
                    for number, raw in chunk:
                        self.report.total += 1
                        values, errors = parse_row(number, raw, self.layout, self.ctx)
                        code = values.get("ma_doi_tuong")
                        if code and code in first_row:
                            errors.append(RowError(number, self.layout.header("ma_doi_tuong"),
                                                   BadValue(N_("Code «%(code)s» already appears on row "
                                                               "%(row)s."), code=code,
                                                            row=first_row[code]).message()))
                        elif code:
                            first_row[code] = number
                        if errors:
                            errors_by_row[number] = errors
                        else:
                            records[code] = self._record(code, values)
                    writer.submit(records, first_row, errors_by_row)
            if self.deferred:
                PeopleSync(self.session, self.now, self.seen_phones).run(self.deferred)

    def _chunk(self, records: dict[str, dict], first_row: dict[str, int],
               errors_by_row: dict[int, list]) -> None:
        """Drop codes met in an earlier chunk (an error on the later row), report the chunk's
        problems, then write its good rows. A file of more than one chunk has its foreign keys
        checked set-wise from the second chunk on, where the role allows (core.imports.foreign_keys)."""
        self.chunks_written += 1
        if self.chunks_written == 2:
            self.keys.turn_off_triggers()
        header = self.layout.header("ma_doi_tuong")
        for code, earlier in self.seen_codes.add(first_row).items():
            records.pop(code, None)
            errors_by_row.setdefault(first_row[code], []).append(RowError(first_row[code], header, BadValue(
                N_("Code «%(code)s» already appears on row %(row)s."), code=code, row=earlier).message()))
        for number in sorted(errors_by_row):
            self.report.add_errors(errors_by_row[number])
        skip_erased_codes(self.session, records, first_row, header, self.report)
        self._note_unknown_providers(records)
        if records:
            self.seen_phones.add({link.phone: 0 for record in records.values()
                                  for link in record["links"].values() if link})
            self._write(records)

    def _note_unknown_providers(self, records: dict[str, dict]) -> None:
        """Rows about to be written whose provider the alias table does not know: imported as
        written, and listed in the report so the officer (or the province, with an alias) fixes it."""
        if not self.layout.has("don_vi_chi_tra"):
            return
        known = self.ctx.providers.known
        for record in records.values():
            provider = record["new"]["provider"]
            if provider and provider not in known:
                self.report.unknown_provider(alias_key(provider), provider)

    def _record(self, code: str, values: dict) -> dict:
        """The Beneficiary columns, categories and people of one good row, plus its row hash.
        The whole row a new beneficiary would get is built here, in the reading thread, which
        waits for the writer anyway: every step the writer thread saves shortens the import."""
        categories = values.get("dien_doi_tuong") or ()
        programmes = {self.ctx.categories[c][0] for c in categories}
        programme = values.get("che_do") or (programmes.pop() if len(programmes) == 1 else "TCXH")
        coefficient = values.get("he_so")
        if coefficient is None and categories:
            coefficient = max(self.ctx.categories[c][1] for c in categories)
        amount = values.get("so_tien")
        if amount is None and coefficient is not None:
            level = self.levels.amount(programme, values["ma_xa"])
            amount = int((Decimal(level) * coefficient).to_integral_value()) if level else None
        method = values.get("hinh_thuc") or "cash"
        account = values.get("so_tai_khoan")
        birth_date, birth_year = values["ngay_sinh"]
        national_id = values.get("so_cccd")
        row = {
            "full_name": values["ho_ten"], "name_ascii": _folded_name(values["ho_ten"]),
            "birth_date": birth_date,
            "birth_year": birth_year, "gender": values.get("gioi_tinh"),
            "national_id_hash": self.hashed(national_id) if national_id else None,
            "unit_code": values["ma_xa"], "address": values.get("dia_chi"), "programme_code": programme,
            "coefficient": coefficient, "monthly_amount": amount, "method": method,
            "provider": values.get("don_vi_chi_tra"), "account_last4": account[-4:] if account else None,
            "account_hash": self.hashed(account) if account else None,
            "has_account": bool(account) or method != "cash",
        }
        links: dict[str, Link | None] = {}
        if "self" in self.slots:
            phone = values.get("so_dien_thoai")
            links["self"] = Link(phone, values["ho_ten"], "self") if phone else None
        if "guardian" in self.slots:
            phone, relation = values.get("sdt_nguoi_giam_ho"), values.get("quan_he")
            role = _guardian_role(relation)
            links["guardian"] = Link(phone, values.get("nguoi_giam_ho"), role, relation) if phone else None
        fields = {f: row[f] for f in self.fields}
        parts = [*fields.values(), categories if self.layout.has("dien_doi_tuong") else "-"]
        for slot, link in links.items():
            parts += [slot, *(link.phone, link.name, link.role, link.relation)] if link else [slot]
        digest = self.hash_prefix + "\x1f".join(map(str, parts))
        fields["row_hash"] = hashlib.sha256(digest.encode()).hexdigest()
        new = {**row, **fields, "code": code, "active": True, "created_at": self.now, "updated_at": self.now}
        return {"new": new, "fields": fields, "categories": categories, "links": links}

    def _write(self, records: dict[str, dict]) -> None:
        existing = {code: (bid, row_hash) for code, bid, row_hash in bulk.select_in(
            self.session, select(Beneficiary.code, Beneficiary.id, Beneficiary.row_hash), Beneficiary.code,
            records,
        )}
        new_codes = [code for code in records if code not in existing]
        changed = {code: existing[code][0] for code in records
                   if code in existing and existing[code][1] != records[code]["fields"]["row_hash"]}
        self.report.created += len(new_codes)
        self.report.updated += len(changed)
        self.report.unchanged += len(records) - len(new_codes) - len(changed)

        new_rows = [records[c]["new"] for c in new_codes]
        ids = dict(zip(new_codes, bulk.allocate_ids(self.session, Beneficiary, len(new_rows))))
        for row, new_id in zip(new_rows, ids.values()):
            row["id"] = new_id
        bulk.insert_rows(self.session, Beneficiary, new_rows)
        bulk.update_by_id(self.session, Beneficiary, [
            {"id": bid, **records[code]["fields"], "active": True, "updated_at": self.now}
            for code, bid in changed.items()
        ])
        ids.update(changed)
        if self.layout.has("dien_doi_tuong"):
            for chunk in bulk.chunks(list(changed.values()), 500):
                self.session.execute(
                    delete(BeneficiaryCategory).where(BeneficiaryCategory.beneficiary_id.in_(chunk))
                )
            bulk.insert_rows(self.session, BeneficiaryCategory, [
                {"beneficiary_id": ids[code], "category_code": category}
                for code in (*new_codes, *changed) for category in records[code]["categories"]
            ])
        if self.slots:
            wanted = [Wanted(ids[code], code not in changed, records[code]["links"]) for code in (*new_codes,
                                                                                                  *changed)]
            sync = PeopleSync(self.session, self.now, self.seen_phones, defer=True)
            sync.run(wanted)
            self.deferred.extend(sync.deferred)
        logger.info("beneficiaries: %d new, %d changed", len(new_codes), len(changed))
