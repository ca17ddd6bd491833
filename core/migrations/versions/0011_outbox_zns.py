"""Outbox: what a notification is about (`topic`: payment_paid, cash_day, broadcast…), for the
console's counts per kind and channel, and the ZNS template and its parameters (`template_data`,
JSON) of a row sent by Zalo's notification service.

Revision ID: 0011_zns
Revises: 0010
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_zns"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("topic", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("template_data", sa.Text(), nullable=True))
        batch_op.create_index("ix_outbox_topic", ["topic"])


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_topic")
        batch_op.drop_column("template_data")
        batch_op.drop_column("topic")
