"""A webhook turn's own statements, compiled once per dialect and run on the DBAPI cursor of the
session's connection.

Connection.execute builds an execution context, a cursor result and a Row for every statement; for
the few one-row statements of a webhook turn that cost twice the driver's own work, and a turn
runs three to seven of them (BENCHMARKS.md, issue 24). A `Prepared` statement keeps what never
changes (the SQL string, the parameters' order, the dialect's bind and result processors) and
does the rest itself; rows come back as named tuples. The statement, the connection and its
transaction are SQLAlchemy's as before: errors become SQLAlchemy's exceptions (an IntegrityError;
a dead connection invalidated, as `retry_on_stale_connection` expects), and the DBAPI connection is
the pool's own (SQLite's write turn, PostgreSQL's lazy BEGIN). Where anything listens to the
engine's statements (tests that watch them, `echo`), or the connection has no transaction begun,
it runs through Connection.execute, so every statement is still seen.
"""
from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import Executable


class _Compiled:
    """One statement compiled for one dialect: immutable once built (result processors need the
    driver's column types, so they are set from the first result's description)."""

    __slots__ = ("binds", "positional", "result", "row", "sql")

    def __init__(self, statement, dialect: Dialect, column_keys: Sequence[str] | None):
        compiled = statement.compile(dialect=dialect, column_keys=list(column_keys) if column_keys else None)
        if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None) \
                or "POSTCOMPILE" in compiled.string:
            raise ValueError("a prepared statement takes every value as a plain parameter")
        self.sql = compiled.string
        processors = {name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                      for name, bind in compiled.binds.items()}
        # (name, processor or None) in the driver's order; by name for a driver of named parameters
        self.positional = tuple((name, processors[name]) for name in compiled.positiontup) \
            if dialect.positional else None
        self.binds = {name: processor for name, processor in processors.items() if processor is not None}
        self.row = None
        self.result = None
        if statement.is_select:
            columns = list(statement.selected_columns)
            self.row = namedtuple("Row", [column.key for column in columns])
            self.result = columns  # replaced by the processors at the first result

    def parameters(self, values: dict) -> list | dict:
        if self.positional is not None:
            return [values[name] if process is None else process(values[name])
                    for name, process in self.positional]
        binds = self.binds
        if not binds:
            return values
        return {name: (binds[name](value) if name in binds else value) for name, value in values.items()}

    def processors(self, description, dialect: Dialect) -> tuple[Callable | None, ...]:
        columns = self.result
        if isinstance(columns, tuple):
            return columns
        found = tuple(column.type.dialect_impl(dialect).result_processor(dialect, described[1])
                      for column, described in zip(columns, description, strict=True))
        self.result = found
        return found


class Prepared:
    """`statement` (a Core select, insert or upsert with every value a bound parameter) for the
    hot path. `rows`, `first` and `run` take the session's Connection and the parameters by name."""

    def __init__(self, statement: Executable, column_keys: Sequence[str] | None = None):
        self.statement = statement
        self.column_keys = column_keys
        self._by_dialect: dict[str, _Compiled] = {}
        self._guard = threading.Lock()

    def _compiled(self, dialect: Dialect) -> _Compiled:
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            with self._guard:
                compiled = self._by_dialect.get(dialect.name)
                if compiled is None:
                    compiled = self._by_dialect[dialect.name] = _Compiled(self.statement, dialect,
                                                                          self.column_keys)
        return compiled

    def rows(self, connection: Connection, values: dict) -> list:
        """Every row, as named tuples."""
        if _watched(connection):
            return [self._compiled(connection.dialect).row(*row)
                    for row in connection.execute(self.statement, values)]
        dialect = connection.dialect
        compiled = self._compiled(dialect)
        parameters = compiled.parameters(values)
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            cursor.execute(compiled.sql, parameters)
            fetched = cursor.fetchall()
            description = cursor.description
        except Exception as error:  # noqa: BLE001 - SQLAlchemy wraps the driver's, re-raises the rest
            cursor.close()
            connection._handle_dbapi_exception(error, compiled.sql, parameters, cursor, None)
        cursor.close()
        if not fetched:
            return []
        processors = compiled.processors(description, dialect)
        make = compiled.row._make
        if not any(processors):
            return [make(row) for row in fetched]
        return [make([value if process is None or value is None else process(value)
                      for process, value in zip(processors, row)]) for row in fetched]

    def first(self, connection: Connection, values: dict) -> Any:
        rows = self.rows(connection, values)
        return rows[0] if rows else None

    def run(self, connection: Connection, values: dict | list[dict]) -> None:
        """An insert or upsert: one row, or many (executemany)."""
        if _watched(connection):
            connection.execute(self.statement, values)
            return
        compiled = self._compiled(connection.dialect)
        many = isinstance(values, list)
        parameters = [compiled.parameters(one) for one in values] if many else compiled.parameters(values)
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            if many:
                cursor.executemany(compiled.sql, parameters)
            else:
                cursor.execute(compiled.sql, parameters)
        except Exception as error:  # noqa: BLE001 - as above
            cursor.close()
            connection._handle_dbapi_exception(error, compiled.sql, parameters, cursor, None)
        cursor.close()


def _watched(connection: Connection) -> bool:
    """Does anything listen to this connection's statements, does it echo them, or is no
    transaction begun? (`_has_events` is SQLAlchemy's own flag, set by any engine listener.)"""
    if connection._has_events or connection.engine._has_events:
        dispatch = connection.dispatch
        if dispatch.before_cursor_execute or dispatch.after_cursor_execute or dispatch.before_execute \
                or dispatch.after_execute:
            return True
    return connection._echo or not connection.in_transaction()
