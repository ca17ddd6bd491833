"""The Alembic migrations build exactly the schema the models describe (SQLite and PostgreSQL)."""
import json

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from core.models import Base
from core.storage.db import alembic_config, make_engine, upgrade


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_buttons_packed_into_the_text_move_to_their_own_column_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    upgrade(engine, "0010")
    packed = 'Ông/bà hỏi về ai?\x1e{"choices":[["Mẹ Lài","1"]]}'
    with engine.begin() as connection:
        for key, stored in (("a", packed), ("b", "Xin chào"), ("c", "Hỏng\x1e{not json")):
            connection.execute(text("INSERT INTO outbox (idempotency_key, channel, address, text, kind, "
                                    "priority, status, attempts, created_at) VALUES (:key, 'telegram', "
                                    "'555', :text, 'reply', 0, 'queued', 0, '2026-12-07 08:00:00')"),
                               {"key": key, "text": stored})
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT text, buttons FROM outbox ORDER BY idempotency_key")).all()
    assert [(row[0], row[1] and json.loads(row[1])) for row in rows] == [
        ("Ông/bà hỏi về ai?", {"choices": [["Mẹ Lài", "1"]]}), ("Xin chào", None), ("Hỏng", None)]
    command.downgrade(alembic_config(url), "0010")
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT text FROM outbox WHERE idempotency_key = 'a'")).scalar()
    assert kept == packed
    engine.dispose()
