"""What a re-import does with an erased beneficiary: the row is skipped with a row-level note.

An officer erased the record because the person left the programme (or asked to be forgotten);
a commune list that still names them is out of date, and re-creating the record would silently
undo the erasure. The code is recognised by its keyed hash (`erasures`), never kept in clear.
A province administrator can lift this for one code (`ansinh person allow-reimport CODE`)
when the person really enrols again."""
from __future__ import annotations

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from core.i18n import N_
from core.imports.bulk import select_in
from core.imports.hashing import hash_identifier, identifier_key
from core.imports.problems import BadValue, ImportReport, RowError
from core.models import Erasure


def skip_erased_codes(session: Session, records: dict[str, dict], first_row: dict[str, int], column: str,
                      report: ImportReport) -> None:
    """Remove erased codes from `records` (in place), each with a row-level note in `report`."""
    if not records or not session.scalar(select(exists().where(Erasure.kind == "beneficiary"))):
        return
    key = identifier_key()  # read once, not per code
    hashes = {hash_identifier(code, key): code for code in records}
    erased = {}
    for subject_hash, at in select_in(session,
                                      select(Erasure.subject_hash,
                                             Erasure.at).where(Erasure.kind == "beneficiary"),
                                      Erasure.subject_hash, hashes):
        erased[hashes[subject_hash]] = at
    for code, at in erased.items():
        del records[code]
        note = BadValue(N_("Code «%(code)s» was erased on %(date)s (the person left the programme); the row "
                           "was skipped. "
                           "If they enrol again, a province administrator must first allow it."),
                        code=code, date=at.strftime("%d/%m/%Y")).message()
        report.errors.append(RowError(first_row[code], column, note))


def allow_reimport(session: Session, code: str) -> int:
    """Forget that `code` was erased, so the next import creates it again; returns rows removed."""
    return session.execute(delete(Erasure).where(Erasure.kind == "beneficiary",
                                                 Erasure.subject_hash == hash_identifier(code))).rowcount or 0
