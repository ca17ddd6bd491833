"""Foreign keys checked set-wise, a batch at a time, in a large import on PostgreSQL.

PostgreSQL checks a foreign key with one query and one row lock per written row: about seven per
beneficiary, most of the server's CPU in a national import (BENCHMARKS.md). When the database
role may set `session_replication_role` (a superuser, or on PostgreSQL 15 and later after
`GRANT SET ON PARAMETER session_replication_role TO <role>`), an import larger than one chunk turns
those per-row triggers off for its own transaction, as
`pg_restore --disable-triggers` does, and checks each batch it writes instead
(`core.imports.bulk.insert_rows` and `update_by_id` call `check`): per key, one query finds every
row pointed at, and one more takes the lock a trigger would have taken (FOR KEY SHARE) on those
the import did not write itself. A missing row raises, so the transaction rolls back. Without the
permission, where the database has triggers of its own (replica mode would skip them too), or on
SQLite, the triggers simply stay on.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Self

from sqlalchemy import ColumnElement, Table, any_, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from core.imports.bulk import SET_WISE_KEYS, array_param

logger = logging.getLogger(__name__)


# Replica mode skips every ordinary trigger, not only the foreign keys' internal ones: where the
# database has one (an audit trigger a DBA added), it must keep firing, so the import does not switch.
_ORDINARY_TRIGGERS = "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'O')"


class DanglingKey(RuntimeError):
    """Rows the import wrote point at rows that do not exist (a defect: the import checks its input)."""


class SetWiseKeys:
    """Per-row foreign-key triggers off for one transaction, each written batch checked instead.

    `ours` names, per referenced table, the rows this import itself wrote or updated: no other
    transaction can delete them before the commit, so they need no further lock."""

    def __init__(self, session: Session, ours: Mapping[str, ColumnElement[bool]]):
        self.session = session
        self.ours = ours
        self.restore: str | None = None  # the setting before, while the triggers are off

    @property
    def active(self) -> bool:
        return self.restore is not None

    def turn_off_triggers(self) -> bool:
        """Try to skip the per-row triggers from now on in this transaction; False when not allowed."""
        if self.active or self.session.get_bind().dialect.name != "postgresql":
            return self.active
        if self.session.scalar(text(_ORDINARY_TRIGGERS)):
            logger.info("foreign keys checked row by row: the database has triggers of its own, "
                        "which session_replication_role = replica would skip")
            return False
        before = self.session.scalar(text("SHOW session_replication_role"))
        try:
            with self.session.begin_nested():  # a refusal must not abort the import's transaction
                self.session.execute(text("SET LOCAL session_replication_role = replica"))
        except DBAPIError as refused:
            logger.info("foreign keys checked row by row (may not set session_replication_role: %s)",
                        str(refused.orig).strip().splitlines()[0])
            return False
        self.restore = before
        self.session.info[SET_WISE_KEYS] = self.check
        return True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type, _exc, _tb) -> None:
        """Triggers back on after a good import; after a failed one the rollback puts them back."""
        self.session.info.pop(SET_WISE_KEYS, None)
        restore, self.restore = self.restore, None
        if restore is not None and exc_type is None:
            self.session.execute(text(f"SET LOCAL session_replication_role = {restore}"))

    def check(self, table: Table, rows: Sequence[Mapping]) -> None:
        """The keys of `rows`, just written to `table`, point at rows that exist, now locked."""
        for constraint in table.foreign_key_constraints:
            for element in constraint.elements:
                name, target = element.parent.name, element.column
                values = {row[name] for row in rows if row.get(name) is not None}
                if values:
                    self._check(table, name, target, values)

    def _check(self, table: Table, name: str, target, values: set) -> None:
        pointed = select(target).where(target == any_(array_param(target, list(values))))
        ours = self.ours.get(target.table.name)
        found = self._count(pointed if ours is not None else _locked(pointed))
        if found != len(values):
            raise DanglingKey(f"{len(values) - found} value(s) of {table.name}.{name} written by this import "
                              f"have no {target.table.name}.{target.name}")
        if ours is not None:
            self._count(_locked(pointed.where(~ours)))

    def _count(self, query) -> int:
        return self.session.scalar(select(func.count()).select_from(query.subquery()))


def _locked(query):
    """The rows of `query`, locked as a foreign-key trigger locks them: none may be deleted, nor
    its key changed, before this transaction ends."""
    return query.with_for_update(read=True, key_share=True)
