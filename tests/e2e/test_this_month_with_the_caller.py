""""Has this month's money come?" is the commonest question: the payment is read with the caller
(core.conversation.identity.resolve with a period), not in a round trip of its own; other months still are."""
from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from core.conversation.identity import PaymentView, resolve
from tests.e2e.test_sms_twilio import inbound, messages, signed_post
from tests.ussd_factories import (
    LAI_AMOUNT_VI,
    LAI_PHONE,
    QUANG_PHONE,
    STRANGER_PHONE,
    USSD_AUTH,
    build_world,
)


@pytest.fixture
def world(sessions):
    return build_world(sessions)


@pytest.fixture
def statements():
    seen: list[str] = []

    def watch(_connection, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    # Every engine: PostgreSQL turns use a twin (core.storage.db).
    event.listen(Engine, "before_cursor_execute", watch)
    yield seen
    event.remove(Engine, "before_cursor_execute", watch)


def _payment_reads(statements: list[str]) -> list[str]:
    """Statements that read payments on their own (the caller's read joins them instead)."""
    return [s for s in statements if s.startswith("SELECT") and "FROM payments" in s]


def test_resolve_with_a_period_carries_each_beneficiarys_payment_of_it(world, sessions):
    with sessions() as session:
        guardian = resolve(session, "sms", QUANG_PHONE, "2026-11")
        lai = resolve(session, "sms", LAI_PHONE, "2026-07")  # no payment that month
        plain = resolve(session, "sms", LAI_PHONE)
        stranger = resolve(session, "sms", STRANGER_PHONE, "2026-11")
    assert sorted(b.full_name for b, _role in guardian.beneficiaries) == ["Phan Văn Lộc", "Trần Thị Sen"]
    for view, _role in guardian.beneficiaries:
        period, payment = view.payment_of
        assert period == "2026-11" and isinstance(payment, PaymentView)
        assert payment.status == "paid" and payment.amount == 500_000 and payment.period == "2026-11"
    assert [view.payment_of for view, _role in lai.beneficiaries] == [("2026-07", None)]
    assert [view.payment_of for view, _role in plain.beneficiaries] == [None]
    assert stranger.beneficiaries == []


def test_the_ussd_answer_for_this_month_reads_no_payment_of_its_own(client, world, statements):
    body = client.post("/ussd/africastalking", data={"sessionId": "this-month", "phoneNumber": LAI_PHONE,
                                                     "text": "1"}, headers=USSD_AUTH).get_data(as_text=True)
    assert LAI_AMOUNT_VI in body and "11/2026" in body
    assert any("JOIN payments" in s for s in statements)
    assert _payment_reads(statements) == []


def test_an_sms_about_this_month_reads_no_payment_of_its_own_and_one_about_another_month_does(client,
                                                                                              settings, world,
                                                                                              statements):
    now = messages(signed_post(client, settings, "/sms/twilio",
                               inbound(LAI_PHONE, "tien thang nay ve chua")))[0]
    assert LAI_AMOUNT_VI in now and "11/2026" in now
    assert _payment_reads(statements) == []
    statements.clear()
    october = messages(signed_post(client, settings, "/sms/twilio",
                                   inbound(LAI_PHONE, "tien thang 10 ve chua")))[0]
    assert LAI_AMOUNT_VI in october and "10/2026" in october
    assert len(_payment_reads(statements)) == 1


def test_a_guardian_of_two_hears_both_from_the_one_read(client, settings, world, statements):
    both = messages(signed_post(client, settings, "/sms/twilio",
                                inbound(QUANG_PHONE, "tien thang nay ve chua")))[0]
    assert "Phan Van Loc" in both and "Tran Thi Sen" in both and "500.000" in both
    assert _payment_reads(statements) == []
