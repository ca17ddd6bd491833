"""The bulk outbox writer (a broadcast's 80,000 rows; COPY through a staging table on PostgreSQL
from COPY_FROM rows up): every column kept, rows in the order given, known keys skipped, and
two bulk writes in one transaction (the staging table is reused)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.models import OutboxMessage
from core.outbox.bulk import COPY_FROM, enqueue_many

LATER = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)


def _rows(start: int, count: int) -> list[dict]:
    return [{"idempotency_key": f"bulk:{i}", "channel": "sms", "address": f"+8497{i:07d}",
             "text": f"Kính gửi ông/bà\tsố {i}\nxuống dòng \\ gạch", "kind": "broadcast",
             "ref": "broadcast:7",
             "not_before": LATER if i % 2 else None} for i in range(start, start + count)]


def test_bulk_rows_keep_every_value_and_their_order(sessions):
    first, second = _rows(0, COPY_FROM + 10), _rows(COPY_FROM, COPY_FROM + 10)
    with sessions.begin() as session:
        assert enqueue_many(session, first) == COPY_FROM + 10
        assert enqueue_many(session, second) == COPY_FROM  # the first 10 keys are already there
    with sessions() as session:
        stored = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert [m.idempotency_key for m in stored] == [f"bulk:{i}" for i in range(2 * COPY_FROM + 10)]
    sample = stored[7]
    assert (sample.text, sample.address, sample.status, sample.priority, sample.attempts, sample.ref) == (
        "Kính gửi ông/bà\tsố 7\nxuống dòng \\ gạch", "+84970000007", "queued", 9, 0, "broadcast:7")
    assert sample.not_before is not None and abs(sample.not_before - LATER) < timedelta(seconds=1)
    assert stored[8].not_before is None and stored[8].person_id is None
