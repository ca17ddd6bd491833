"""Set-based database work for imports: a province's list is 60,000 rows and the country's 3.3
million, so nothing is done one row at a time. On SQLite lookups are one SELECT or chunks of
`IN (…)` and writes are executemany batches; on PostgreSQL lookups are `= ANY(array)`, inserts
are COPY and updates one `UPDATE … FROM unnest(arrays)` per batch, all in the caller's transaction."""
from __future__ import annotations

import gc
import itertools
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from operator import itemgetter
from typing import Self, TypeVar

from sqlalchemy import (
    Boolean,
    Select,
    any_,
    bindparam,
    cast,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

T = TypeVar("T")
LOOKUP_CHUNK = 500  # parameters per IN (…): well inside SQLite's and PostgreSQL's limits
PG_LOOKUP_CHUNK = 20_000  # values per `= ANY(array)`: one parameter, so only the array's size limits it
WRITE_CHUNK = 5000
# File rows an importer validates and writes together. On PostgreSQL small, so a national file
# imports in flat memory; SQLite holds a commune's or province's list, which one chunk covers
# (each chunk repeats its look-ups, and SQLite's are the slow kind).
CHUNK_ROWS = {"postgresql": 20_000, "sqlite": 100_000}
_temp_names = itertools.count(1)
SET_WISE_KEYS = "import.set_wise_keys"  # session.info: checks written batches (core.imports.foreign_keys)


def on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def chunk_rows(session: Session) -> int:
    return CHUNK_ROWS.get(session.get_bind().dialect.name, CHUNK_ROWS["sqlite"])


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def in_chunks(items: Iterable[T], size: int) -> Iterator[Iterator[T]]:
    """A stream cut into runs of at most `size`, read lazily (nothing is buffered): each run must
    be used up before the next is asked for."""
    stream = iter(items)
    for first in stream:
        yield itertools.chain((first,), itertools.islice(stream, size - 1))


def select_in(session: Session, statement: Select, column, values: Iterable) -> Iterator:
    """Rows of `statement` whose `column` (one of the selected columns) is in `values`.

    When the candidate rows are few compared with the values (a first import, a whole-province
    file) one plain SELECT filtered here beats hundreds of `IN (…)` queries; otherwise the values
    go in chunks of `IN (…)`. On PostgreSQL one `= ANY(array)` per 20,000 values (index look-ups,
    no count of the candidates)."""
    wanted = set(values)
    if not wanted:
        return
    if on_postgresql(session):
        for chunk in chunks(list(wanted), PG_LOOKUP_CHUNK):
            yield from session.execute(statement.where(column == any_(array_param(column, chunk))))
        return
    candidates = session.scalar(select(func.count()).select_from(statement.subquery()))
    if candidates <= 2 * len(wanted):
        for row in session.execute(statement):
            if getattr(row, column.key) in wanted:
                yield row
        return
    for chunk in chunks(list(wanted), LOOKUP_CHUNK):
        yield from session.execute(statement.where(column.in_(chunk)))


def array_param(column, values: Sequence):
    """`values` as one PostgreSQL array parameter: strings and integers travel as one joined
    string split by the server (see `_KEYS`), other values as a list dumped by psycopg."""
    if all(type(value) in (str, int) for value in values):
        try:
            joined = _joined(map(str, values))
        except ValueError:
            pass
        else:
            return cast(func.string_to_array(joined["keys"], joined["separator"]), ARRAY(column.type))
    return bindparam("wanted", list(values), type_=ARRAY(column.type))


def insert_rows(session: Session, model, rows: list[dict]) -> None:
    """Insert many rows (all with the same keys): COPY on PostgreSQL, executemany batches elsewhere."""
    if not rows:
        return
    if on_postgresql(session):
        copy_rows(session, model, rows)
        _check_keys(session, model, rows)
        return
    for chunk in chunks(rows, WRITE_CHUNK):
        session.execute(insert(model.__table__), list(chunk))


def _check_keys(session: Session, model, rows: list[dict]) -> None:
    """While an import's foreign-key triggers are off, its checker sees every batch written."""
    check = session.info.get(SET_WISE_KEYS)
    if check is not None:
        check(model.__table__, rows)


def _bound(session: Session, column):
    """What SQLAlchemy would do to a Python value before handing it to the driver (UTC datetimes…)."""
    return column.type._cached_bind_processor(session.get_bind().dialect) or (lambda value: value)


def _defaults(table, keys: Iterable[str]) -> dict:
    """Python-side defaults (created_at, flags) of the columns the rows leave out, since COPY
    bypasses SQLAlchemy; server defaults and autoincrement keys are left to PostgreSQL."""
    found = {}
    for column in table.columns:
        default = column.default
        if column.name in keys or default is None or column.primary_key:
            continue
        found[column.name] = default.arg(None) if default.is_callable else default.arg
    return found


# PostgreSQL type of each SQLAlchemy type the import tables use, for binary COPY.
_COPY_TYPES = {"VARCHAR": "text", "TEXT": "text", "INTEGER": "int4", "BIGINT": "int8", "SMALLINT": "int2",
               "DATE": "date", "NUMERIC": "numeric", "BOOLEAN": "bool",
               "TIMESTAMP WITH TIME ZONE": "timestamptz"}


def _copy_type(column, dialect) -> str:
    return _COPY_TYPES[column.type.compile(dialect).split("(")[0]]


def _remember_last(process):
    """A bind processor that reuses its last answer for the same object (an import stamps every
    row with one `now`)."""
    last = [object(), None]

    def remembered(value):
        if value is not last[0]:
            last[0], last[1] = value, process(value)
        return last[1]

    return remembered


def copy_rows(session: Session, model, rows: list[dict]) -> None:
    """COPY rows into the model's table over the session's own connection (same transaction), in
    binary with the column types given, so psycopg's C code encodes the values (far
    cheaper than text rows formatted in Python)."""
    table = model.__table__
    dialect = session.get_bind().dialect
    names = list(rows[0])
    extra = _defaults(table, names)
    columns = [table.c[name] for name in (*names, *extra)]
    processors = [(i, _remember_last(process)) for i, column in enumerate(columns)
                  if not isinstance(column.type,
                                    Boolean) and (process := column.type._cached_bind_processor(dialect))]
    fixed = tuple(extra.values())
    pick = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    statement = f"COPY {table.name} ({', '.join(c.name for c in columns)}) FROM STDIN (FORMAT BINARY)"
    try:
        with (
            session.connection().connection.dbapi_connection.cursor() as cursor,
            cursor.copy(statement) as copy,
        ):
            copy.set_types([_copy_type(column, dialect) for column in columns])
            for row in rows:
                values = (*pick(row), *fixed)
                if processors:
                    values = list(values)
                    for i, process in processors:
                        values[i] = process(values[i])
                copy.write_row(values)
    except dialect.loaded_dbapi.Error as error:  # as SQLAlchemy reports it, so callers catch one kind
        raise DBAPIError.instance(statement, None, error, dialect.loaded_dbapi.Error) from error


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
        # The sequence is looked up once and written into the statement as a regclass constant:
        # `nextval(pg_get_serial_sequence(…))` repeats the catalogue look-up for every id.
        sequence = session.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name})
        literal = "'" + sequence.replace("'", "''") + "'"
        ids = session.scalar(  # one string, not `count` result rows or an array parsed element by element
            text(f"SELECT array_to_string(array_agg(nextval({literal}::regclass)), ',') FROM "
                 f"generate_series(1, :n)"),
            {"n": count},
        )
        return list(map(int, ids.split(",")))
    session.execute(text(f"UPDATE {table.name} SET id = id WHERE 0 = 1"))  # holds the write lock till commit
    start = session.scalar(select(func.coalesce(func.max(table.c.id), 0))) + 1
    return list(range(start, start + count))


def update_by_id(session: Session, model, rows: list[dict]) -> None:
    """Update many rows by primary key ("id" in each dict; other keys may differ by row)."""
    if not rows:
        return
    if on_postgresql(session):
        by_keys: dict[tuple[str, ...], list[dict]] = {}
        for row in rows:
            by_keys.setdefault(tuple(row), []).append(row)
        for group in by_keys.values():
            for chunk in chunks(group, PG_LOOKUP_CHUNK):
                _update_unnest(session, model.__table__, chunk)
        _check_keys(session, model, rows)
        return
    for chunk in chunks(rows, WRITE_CHUNK):
        session.execute(update(model), list(chunk))


def _update_unnest(session: Session, table, rows: Sequence[dict]) -> None:
    """One UPDATE … FROM unnest(arrays) for rows with the same keys."""
    dialect = session.get_bind().dialect
    names = list(rows[0])
    arrays = ", ".join(f"CAST(:a{i} AS {table.c[name].type.compile(dialect)}[])" for i,
                       name in enumerate(names))
    assignments = ", ".join(f"{name} = v.{name}" for name in names if name != "id")
    statement = text(f"UPDATE {table.name} SET {assignments} FROM unnest({arrays}) AS v({', '.join(names)}) "
                     f"WHERE {table.name}.id = v.id")
    params = {}
    for i, name in enumerate(names):
        process = _bound(session, table.c[name])
        params[f"a{i}"] = [process(row[name]) for row in rows]
    session.execute(statement, params)


class WhileImporting:
    """A process-wide interpreter setting changed while any import runs in this process and put
    back when the last one ends (imports may run in several console request threads at once)."""

    def __init__(self, read, write, changed):
        self.read, self.write, self.changed = read, write, changed
        self.lock = threading.Lock()
        self.users = 0
        self.before = None

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if self.users == 0:
                self.before = self.read()
                self.write(self.changed(self.before))
            self.users += 1
        try:
            yield
        finally:
            with self.lock:
                self.users -= 1
                if self.users == 0:
                    self.write(self.before)


# An import allocates millions of small objects that live for one chunk; Python's default (a
# young-generation collection every 700 allocations, each older one scanning the chunk) is much of
# the time spent building rows. Collect every 50,000 instead; memory stays flat.
fewer_collections = WhileImporting(gc.get_threshold, lambda thresholds: gc.set_threshold(*thresholds),
                                   lambda before: (50_000, *before[1:]))

# The writer thread waits on PostgreSQL many times per chunk, and after each wait it needs the GIL
# back from the thread parsing the next chunk, which CPython hands over only every switch interval
# (5 ms by default): a shorter interval gives it back sooner (BENCHMARKS.md).
quick_handoffs = WhileImporting(sys.getswitchinterval, sys.setswitchinterval,
                                lambda before: min(before, 0.001))


class ChunkWriter:
    """Writes one chunk while the caller reads and validates the next. On PostgreSQL the write
    runs in a thread: while it waits on the database (COPY, look-ups) the parsing goes on, so the
    server's work overlaps with the importer's. One chunk is in flight at a time and the session
    is only ever used by one thread at once; an error in a write comes out of the next `submit`
    or `close`, and `close` always waits, so the caller rolls back only after the write stopped."""

    def __init__(self, write, background: bool):
        self.write = write
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="import-writer") if background else None
        self.pending: Future | None = None

    def submit(self, *args) -> None:
        self._wait()
        if self.pool is None:
            self.write(*args)
        else:
            self.pending = self.pool.submit(self.write, *args)

    def _wait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type, _exc, _tb) -> None:
        try:
            if exc_type is None:
                self._wait()
            elif self.pending is not None:
                wait([self.pending])  # the caller's own error wins; the write just has to stop first
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True)


# Keys travel as one string split by PostgreSQL: psycopg dumps a Python list element by element in
# Python (a fifth of the national import's writer thread, holding the GIL); one string is one copy.
_KEYS = "string_to_array(:keys, :separator)"


def _joined(keys: Iterable[str]) -> dict[str, str]:
    keys = list(keys)
    separator = "\x1e"  # ASCII record separator: control characters never pass an import's checks
    if any(separator in key for key in keys):
        raise ValueError("a key holds the record separator")
    return {"keys": separator.join(keys), "separator": separator}


class SeenKeys:
    """Keys (codes, phones) met earlier in this import and the row each was first on, so a file
    imported chunk by chunk still finds a duplicate rows apart. In memory on SQLite (a commune's
    or province's list); on PostgreSQL a temporary table dropped at commit, so the importer's
    memory does not grow with a national file."""

    def __init__(self, session: Session):
        self.session = session
        self.memory: dict[str, int] | None = None
        if on_postgresql(session):
            self.table = f"import_seen_{next(_temp_names)}"
            # Byte-wise collation: only equality matters, and a linguistic one compares far slower.
            session.execute(text(f'CREATE TEMPORARY TABLE {self.table} (key text COLLATE "C" PRIMARY KEY, '
                                 "row_no integer) ON COMMIT DROP"))
        else:
            self.memory = {}

    def add(self, keys: dict[str, int]) -> dict[str, int]:
        """Record `keys` (key -> row); returns those already recorded by an earlier call, with their row."""
        if not keys:
            return {}
        if self.memory is not None:
            earlier = {key: self.memory[key] for key in keys if key in self.memory}
            for key, row in keys.items():
                self.memory.setdefault(key, row)
            return earlier
        # Look up first, then COPY only the new keys: one index probe and one insert per key,
        # where `INSERT … ON CONFLICT DO NOTHING` and a second look-up cost three.
        earlier = dict(self.session.execute(
            text(f"SELECT key, row_no FROM {self.table} WHERE key = ANY({_KEYS})"), _joined(keys)).all())
        self._copy([(key, row) for key, row in keys.items() if key not in earlier])
        return earlier

    def _copy(self, rows: list[tuple[str, int]]) -> None:
        if not rows:
            return
        with self.session.connection().connection.dbapi_connection.cursor() as cursor, \
                cursor.copy(f"COPY {self.table} (key, row_no) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["text", "int4"])
            for row in rows:
                copy.write_row(row)

    def which(self, keys: Iterable[str]) -> set[str]:
        """Those of `keys` recorded so far."""
        keys = set(keys)
        if not keys or self.memory is not None:
            return {key for key in keys if key in (self.memory or {})}
        return set(self.session.scalars(text(f"SELECT key FROM {self.table} WHERE key = ANY({_KEYS})"),
                                        _joined(keys)))
