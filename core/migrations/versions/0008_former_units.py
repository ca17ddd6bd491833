"""Former commune-level units and the unit each is part of since a merger (`former_units`), so
the province's indicators can also be counted by the communes of before 1 July 2025.

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "former_units",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("successor_code", sa.String(10), sa.ForeignKey("units.code"), nullable=False),
        sa.Column("merged_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_former_units_successor_code", "former_units", ["successor_code"])


def downgrade() -> None:
    op.drop_index("ix_former_units_successor_code", table_name="former_units")
    op.drop_table("former_units")
