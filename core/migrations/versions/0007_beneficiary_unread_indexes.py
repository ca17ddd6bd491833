"""Drop two indexes on `beneficiaries` that no query reads but every import pays for:

- `ix_beneficiaries_national_id_hash`: nothing looks a beneficiary up by the keyed hash of the
  national ID (it is kept only to tell whether one was on file);
- `ix_beneficiaries_name_ascii`: the console's name search is a substring match
  (`name_ascii LIKE '%…%'`), which a B-tree cannot serve.

Both keys are effectively random, so in a national import (3.3 million rows) each insert lands
on a different index page.

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_beneficiaries_national_id_hash", table_name="beneficiaries")
    op.drop_index("ix_beneficiaries_name_ascii", table_name="beneficiaries")


def downgrade() -> None:
    op.create_index("ix_beneficiaries_name_ascii", "beneficiaries", ["name_ascii"])
    op.create_index("ix_beneficiaries_national_id_hash", "beneficiaries", ["national_id_hash"])
