"""Is the database there, with this code's schema? Asked by every command that needs the database
(and by `ansinh serve` before it binds), so a newcomer who runs one from another folder hears
"run `ansinh db upgrade`" instead of a traceback, and no empty SQLite file is left behind."""
from __future__ import annotations

import enum
import logging
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)


class SchemaStatus(enum.Enum):
    READY = "ready"
    MISSING = "missing"  # no database file, or no Alembic version table in it
    OUTDATED = "outdated"  # a revision this code knows, but not its head: migrations are pending
    UNREACHABLE = "unreachable"  # the server did not answer


class DatabaseNotReady(Exception):
    """The database cannot serve this command; `status` says why, `where` which database."""

    def __init__(self, status: SchemaStatus, where: str):
        super().__init__(f"database {status.value}: {where}")
        self.status = status
        self.where = where


def describe(url: str) -> str:
    """Which database, for a person: a SQLite file's absolute path, else the URL without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(Path(parsed.database).resolve()) if parsed.database else ":memory:"
    return parsed.render_as_string(hide_password=True)


def _sqlite_file_missing(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return False
    return not parsed.database or parsed.database == ":memory:" or not Path(parsed.database).is_file()


def schema_status(url: str) -> SchemaStatus:
    """Checked without side effects: a SQLite file that is not there is not created."""
    if _sqlite_file_missing(url):
        return SchemaStatus.MISSING
    from core.storage.db import make_engine

    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return SchemaStatus.MISSING
            rows = connection.execute(text("SELECT version_num FROM alembic_version"))
            revisions = {row[0] for row in rows}
    except SQLAlchemyError as error:
        logger.info("database check failed: %s", type(error).__name__)
        return SchemaStatus.UNREACHABLE
    finally:
        engine.dispose()  # nothing of it outlives the check (gunicorn forks after it)
    if not revisions:
        return SchemaStatus.MISSING
    return _compare_with_code(url, revisions)


def _compare_with_code(url: str, revisions: set[str]) -> SchemaStatus:
    """OUTDATED only for revisions this code knows below its head; a database newer than the code
    (its revision unknown here) is left to run, as an older release beside a newer one would."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from core.storage.db import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config(url))
    heads = set(scripts.get_heads())
    if revisions <= heads:
        return SchemaStatus.READY
    try:
        for revision in revisions - heads:
            scripts.get_revision(revision)
    except CommandError:
        logger.warning("database revision %s is newer than this code's %s", sorted(revisions), sorted(heads))
        return SchemaStatus.READY
    return SchemaStatus.OUTDATED


def require_schema(url: str) -> None:
    """Raise DatabaseNotReady unless the database holds this code's schema."""
    status = schema_status(url)
    if status is not SchemaStatus.READY:
        raise DatabaseNotReady(status, describe(url))
