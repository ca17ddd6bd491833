"""In chromium: an officer finds a message the network kept refusing under "Chưa gửi được" in the
menu and sends it again with one click. Screenshot in tests/artifacts/console-dead-letters.png."""
from __future__ import annotations

from sqlalchemy import select

from core.outbox.dispatch import Dispatcher, TemporaryError
from core.models import Beneficiary, OutboxMessage
from core.outbox.writes import enqueue
from tests.e2e.test_console_browser import (
    browser,
    page,
    pytestmark,
    server,
    shot,
    sign_in,
    ward,
)

# The console browser tests' chromium, server, ward; skip without chromium
BORROWED_FIXTURES = (browser, page, server, ward, pytestmark)


class RefusingSms:
    """A provider that answers 503 to everything."""

    channel = "sms"

    def send(self, message):
        raise TemporaryError("HTTP 503 from the provider")


def test_an_officer_sends_a_given_up_message_again(page, ward, clock, settings):
    with ward.begin() as session:
        lai = session.scalar(select(Beneficiary.id).where(Beneficiary.code == "BT4600001"))
        message = enqueue(session, channel="sms", address="+84978451203",
                          text="Tiền tháng 11/2026 đã về: 500.000đ",
                          kind="notification", key="browser-dead-1", beneficiary_id=lai)
        message_id = message.id
    dispatcher = Dispatcher(ward, {"sms": RefusingSms()}, clock, settings)
    for _ in range(settings.outbox_max_attempts):
        dispatcher.run_once()
        clock.advance(hours=2)
    sign_in(page, "tinh")  # the province administrator of 46 sees every unit's rows
    page.wait_for_selector("text=Xin chào")
    page.click("header.top nav >> text=Chưa gửi được")
    row = page.wait_for_selector(f"#dead-{message_id}")
    assert (
        "…1203" in row.inner_text() and "HTTP 503" in row.inner_text() and "500.000" not in row.inner_text()
    )
    shot(page, "dead-letters")
    row.query_selector("button").click()
    page.wait_for_selector("text=Tin nhắn đã được đưa vào hàng đợi để gửi lại.")
    assert page.query_selector(f"#dead-{message_id}") is None
    with ward() as session:
        assert session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == message_id)) == "queued"
