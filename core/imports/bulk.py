"""Set-based database work for imports: a province's list is 60,000 rows, so nothing is done one
row at a time. Lookups are one SELECT or chunks of `IN (…)`; writes are executemany batches."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from sqlalchemy import Select, func, insert, select, text, update
from sqlalchemy.orm import Session

T = TypeVar("T")
LOOKUP_CHUNK = 500  # parameters per IN (…): well inside SQLite's and PostgreSQL's limits
WRITE_CHUNK = 5000


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def select_in(session: Session, statement: Select, column, values: Iterable) -> Iterator:
    """Rows of `statement` whose `column` (one of the selected columns) is in `values`.

    When the candidate rows are few compared with the values (a first import, a whole-province
    file) one plain SELECT filtered here beats hundreds of `IN (…)` queries; otherwise the values
    go in chunks of `IN (…)`."""
    wanted = set(values)
    if not wanted:
        return
    candidates = session.scalar(select(func.count()).select_from(statement.subquery()))
    if candidates <= 2 * len(wanted):
        for row in session.execute(statement):
            if getattr(row, column.key) in wanted:
                yield row
        return
    for chunk in chunks(list(wanted), LOOKUP_CHUNK):
        yield from session.execute(statement.where(column.in_(chunk)))


def insert_rows(session: Session, model, rows: list[dict]) -> None:
    """Insert many rows (all with the same keys) as executemany batches."""
    for chunk in chunks(rows, WRITE_CHUNK):
        session.execute(insert(model.__table__), list(chunk))


def insert_returning(session: Session, model, rows: list[dict], *columns: str) -> list[tuple]:
    """Insert many rows in multi-row INSERTs; returns `columns` of each new row, in no set order
    (so `columns` must hold a natural key to match rows back, e.g. ("id", "code")).
    An ordered RETURNING would make SQLAlchemy insert one row at a time on SQLite."""
    table = model.__table__
    statement = insert(table).returning(*(table.c[name] for name in columns))
    found: list[tuple] = []
    for chunk in chunks(rows, WRITE_CHUNK):
        found.extend(tuple(row) for row in session.execute(statement, list(chunk)))
    return found


def allocate_ids(session: Session, model, count: int) -> list[int]:
    """Primary keys for `count` new rows that have no natural key, so rows that point at them
    can be written in the same bulk pass. PostgreSQL draws them from the table's sequence (safe
    with concurrent writers); SQLite takes the write lock first, then continues after max(id)."""
    if count == 0:
        return []
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": count},
        ))
    session.execute(text(f"UPDATE {table.name} SET id = id WHERE 0 = 1"))  # holds the write lock till commit
    start = session.scalar(select(func.coalesce(func.max(table.c.id), 0))) + 1
    return list(range(start, start + count))


def update_by_id(session: Session, model, rows: list[dict]) -> None:
    """Update many rows by primary key ("id" in each dict; other keys may differ by row)."""
    for chunk in chunks(rows, WRITE_CHUNK):
        session.execute(update(model), list(chunk))
