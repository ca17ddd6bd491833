"""Outbox: a reply's buttons in their own column (`buttons`, JSON) instead of packed into the text
after a record separator (U+001E); rows written the old way are split here.

Revision ID: 0012
Revises: 0011_zns
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011_zns"
branch_labels = None
depends_on = None

MARK = "\x1e"  # the separator older code packed the buttons behind
_outbox = sa.table("outbox", sa.column("id", sa.Integer), sa.column("text", sa.Text),
                   sa.column("buttons", sa.JSON))


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("buttons", sa.JSON(), nullable=True))
    bind = op.get_bind()
    packed = bind.execute(sa.select(_outbox.c.id, _outbox.c.text).where(_outbox.c.text.contains(MARK))).all()
    for row_id, stored in packed:
        text, _mark, tail = stored.partition(MARK)
        try:
            buttons = json.loads(tail)
        except ValueError:
            buttons = None  # unreadable: the text alone, as the senders did
        bind.execute(sa.update(_outbox).where(_outbox.c.id == row_id)
                     .values(text=text, buttons=buttons if isinstance(buttons, dict) else None))


def downgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_outbox.c.id, _outbox.c.text, _outbox.c.buttons)
                        .where(_outbox.c.buttons.is_not(None))).all()
    for row_id, text, buttons in rows:
        packed = f"{text}{MARK}{json.dumps(buttons, ensure_ascii=False, separators=(',', ':'))}"
        bind.execute(sa.update(_outbox).where(_outbox.c.id == row_id).values(text=packed))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("buttons")
