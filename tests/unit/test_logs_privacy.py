"""Logs never carry one-time codes, full phone numbers, IDs or account numbers."""
from __future__ import annotations

import logging
import re

from sqlalchemy import select

from core.conversation.dialog import Dialog
from core.conversation.inbound_reply import Inbound
from core.models import OutboxMessage
from core.storage.state import MemoryStateStore
from tests.unit.factories import build_family


def test_a_registration_and_a_question_leave_no_secrets_in_the_logs(sessions, clock, settings, caplog):
    with sessions.begin() as session:
        family = build_family(session)
    dialog = Dialog(sessions, clock, settings, MemoryStateStore(clock))
    caplog.set_level(logging.DEBUG)
    dialog.handle(Inbound(channel="sms", sender="+84911222333", text="DK BT0001 1952"))
    with sessions() as session:
        code = re.search(
            r"\b(\d{6})\b", session.scalar(select(OutboxMessage.text).where(OutboxMessage.kind == "otp"))
        ).group(1)
    dialog.handle(Inbound(channel="sms", sender="+84911222333", text=code))
    dialog.handle(Inbound(channel="sms", sender=family.lai_phone, text="tien thang nay ve chua"))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged  # the turns were logged at all
    for secret in (code, "911222333", family.lai_phone[3:], "4321"):
        assert secret not in logged
