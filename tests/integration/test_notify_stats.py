"""`ansinh notifications stats [--period YYYY-MM] [--json]`: delivery state by channel; a period
counts payment messages by the payment's period and other messages by the month they were queued."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from ansinh.cli import main
from ansinh.cli_support import CliState
from core.models import OutboxMessage, Payment
from core.outbox.writes import enqueue
from tests.notify_support import beneficiary


@pytest.fixture
def cli(runtime):
    state = CliState()
    state._runtime = runtime
    return lambda *args: CliRunner().invoke(main, list(args), obj=state)


@pytest.fixture
def messages(sessions, clock):
    """October's payment (messages queued on 1 November, local time: still 31 October in UTC) and
    November messages without a payment."""
    with sessions.begin() as session:
        b = beneficiary(session, "HUE-0001", "Nguyễn Thị Lài")
        october = Payment(beneficiary_id=b.id, period="2026-10", amount=750_000, status="paid")
        session.add(october)
        session.flush()
        rows = [("sms", "delivered", october.id), ("sms", "delivered", october.id),
                ("sms", "failed", october.id),
                ("zalo", "sent", october.id), ("sms", "queued", None), ("sms", "sending", None),
                ("telegram", "dead", None)]
        for index, (channel, status, payment_id) in enumerate(rows):
            message = enqueue(session, channel=channel, address=f"a{index}", text="x", kind="notification",
                              key=f"k{index}", payment_id=payment_id)
            message.status = status
        session.flush()
        session.execute(update(OutboxMessage).values(created_at=datetime(2026, 11, 1, 3, 0, tzinfo=clock.tz)))


def test_table_of_all_messages_by_channel(cli, messages):
    result = cli("notifications", "stats")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "channel   queued  sent  delivered  failed  dead  total",
        "sms            2     0          2       1     0      5",
        "telegram       0     0          0       0     1      1",
        "zalo           0     1          0       0     0      1",
        "total          2     1          2       1     1      7",
    ]


def test_period_uses_the_payments_period_else_the_month_queued(cli, messages):
    october = json.loads(cli("notifications", "stats", "--period", "2026-10", "--json").output)
    november = json.loads(cli("notifications", "stats", "--period", "2026-11", "--json").output)
    assert october["total"] == {"channel": "total", "queued": 0, "sent": 1, "delivered": 2, "failed": 1,
                                "dead": 0,
                                "total": 4}
    assert [row["channel"] for row in october["channels"]] == ["sms", "zalo"]
    assert (
        november["total"]["total"] == 3
        and november["total"]["queued"] == 2
        and november["total"]["dead"] == 1
    )
    assert json.loads(cli("notifications", "stats", "--period", "2026-12", "--json").output)["channels"] == []


def test_a_bad_period_is_refused_in_vietnamese(cli):
    result = cli("notifications", "stats", "--period", "11/2026")
    assert result.exit_code == 2 and "Kỳ chi trả phải có dạng YYYY-MM" in result.output
