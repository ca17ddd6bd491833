"""Drop `ix_contacts_person_id`: the unique (person_id, beneficiary_id) index starts with
person_id, so it already serves every look-up by person (and the cascade from persons); the
second index only cost upkeep on every contact written, 3.6 million in a national import.

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_contacts_person_id", table_name="contacts")


def downgrade() -> None:
    op.create_index("ix_contacts_person_id", "contacts", ["person_id"])
