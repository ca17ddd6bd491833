"""The same limit on a Telegram chat that is linked to nobody: probing codes gets the usual answer
ten times a minute, then a wait; the guardian's linked chat keeps getting the amount. Replies are
read from the outbox (the dispatcher's per-chat rate would only delay them)."""
from __future__ import annotations

from sqlalchemy import select

from core.models import OutboxMessage
from tests.bot_factory import AMOUNT_VI, BENEFICIARY_CODE
from tests.e2e.test_telegram_bot import (
    GUARDIAN_TG,
    bot_api,
    family,
    own_contact,
    post,
    settings,
)
from tests.standins_bot import private_message

# From the Telegram tests: the stand-in Bot API and the family
BORROWED_FIXTURES = (bot_api, family, settings)
PROBER_TG = 333333333


def replies_to(sessions, chat_id: int) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(OutboxMessage.text).where(OutboxMessage.address == str(chat_id))
                                    .order_by(OutboxMessage.id)))


def test_a_stranger_chat_probing_codes_is_slowed_and_a_linked_chat_is_not(client, sessions, family):
    for n in range(12):
        assert post(client,
                    private_message(500 + n, PROBER_TG,
                                    f"TC {BENEFICIARY_CODE[:-1]}{n % 10} 19{40 + n}")).status_code == 200
    texts = replies_to(sessions, PROBER_TG)
    assert len(texts) == 12
    assert all("danh sách" in t for t in texts[:10]), texts[:10]
    assert all("Xin chờ 1 phút" in t for t in texts[10:]), texts[10:]
    assert not any(AMOUNT_VI in t or "Lài" in t for t in texts)
    post(client, private_message(600, GUARDIAN_TG, contact=own_contact(GUARDIAN_TG)))
    post(client, private_message(601, GUARDIAN_TG, "Tiền tháng này của mẹ về chưa?"))
    assert AMOUNT_VI in replies_to(sessions, GUARDIAN_TG)[-1]
