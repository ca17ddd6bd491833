"""Set-based database work for imports: a province's list is 60,000 rows, so nothing is done one
row at a time. Lookups go in chunks of `IN (…)`, writes as executemany / multi-row INSERTs."""
from __future__ import annotations

from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

T = TypeVar("T")
LOOKUP_CHUNK = 500  # parameters per IN (…): well inside SQLite's and PostgreSQL's limits
WRITE_CHUNK = 5000


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def select_in(session: Session, make_statement: Callable[[Sequence], object], values: Iterable) -> Iterator:
    """Rows of `make_statement(chunk)` for every chunk of distinct `values`."""
    distinct = list(dict.fromkeys(values))
    for chunk in chunks(distinct, LOOKUP_CHUNK):
        yield from session.execute(make_statement(chunk))


def insert_rows(session: Session, model, rows: list[dict]) -> None:
    """Insert many rows (all with the same keys)."""
    for chunk in chunks(rows, WRITE_CHUNK):
        session.execute(insert(model.__table__), list(chunk))


def insert_returning_ids(session: Session, model, rows: list[dict]) -> list[int]:
    """Insert many rows; their new ids in the same order (multi-row INSERT … RETURNING)."""
    ids: list[int] = []
    table = model.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for chunk in chunks(rows, WRITE_CHUNK):
        ids.extend(session.execute(statement, list(chunk)).scalars())
    return ids


def update_by_id(session: Session, model, rows: list[dict]) -> None:
    """Update many rows by primary key ("id" in each dict; other keys may differ by row)."""
    for chunk in chunks(rows, WRITE_CHUNK):
        session.execute(update(model), list(chunk))
