"""The Alembic migrations build exactly the schema the models describe (SQLite and PostgreSQL)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.models import Base


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
