"""Indexes on the outbox's references, so deleting old messages (retention) or people does not scan
the outbox once per row (80,000 deletes took minutes on SQLite without them).

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_person_id", "outbox", ["person_id"])
    op.create_index("ix_outbox_payment_id", "outbox", ["payment_id"])
    op.create_index("ix_outbox_fallback_of", "outbox", ["fallback_of"])


def downgrade() -> None:
    op.drop_index("ix_outbox_fallback_of", table_name="outbox")
    op.drop_index("ix_outbox_payment_id", table_name="outbox")
    op.drop_index("ix_outbox_person_id", table_name="outbox")
