"""Payment providers' names as officers write them ('Viettel', 'Bưu điện - VietinBank') mapped to
the one name each provider is stored and counted under. The common names are loaded with the
reference data (core/imports/providers.py), which also renames stored providers to match.

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider_aliases",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("written", sa.String(length=60), nullable=False),
        sa.Column("provider", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_provider_aliases")),
    )
    with op.batch_alter_table("provider_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_aliases_provider"), ["provider"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("provider_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_aliases_provider"))
    op.drop_table("provider_aliases")
