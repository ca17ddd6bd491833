"""A message Twilio keeps refusing with 500 is retried with backoff, then given up (dead); the
officers of its unit see it under "Chưa gửi được" (masked, cut short, audited), officers of another
unit do not and cannot retry it; "Gửi lại" requeues it and it leaves once Twilio is back."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.outbox.dispatch import Dispatcher
from core.models import AuditLog, Identity, OutboxMessage
from core.outbox.writes import enqueue
from tests.console_support import (
    PHU_VINH,
    THUAN_HOA,
    make_beneficiary,
    make_officer,
    post,
    sign_in,
)
from tests.standins import Canned
from tests.standins.twilio import MESSAGES_PATH, twilio_standin
from ussd.twilio_sender import TwilioSender

PHONE = "+84978451203"
TEXT = "Tiền tháng 11/2026 của bà Lài: 750.000đ đã về tài khoản …1203. Mã 123456."


@pytest.fixture
def twilio_failing():
    standin, working = twilio_standin()
    standin.route("POST", MESSAGES_PATH, Canned(500, "<html>oops</html>"))
    yield standin, working
    standin.stop()


@pytest.fixture
def dead(runtime, sessions, clock, twilio_failing):
    """One notification and one one-time code, both given up after every attempt."""
    standin, _ = twilio_failing
    with sessions.begin() as session:
        lai = make_beneficiary(session, "BT4600001", "Nguyễn Thị Lài", THUAN_HOA, phone=PHONE)
        person_id = session.scalar(select(Identity.person_id).where(Identity.address == PHONE))
        make_officer(session, "lan", "commune", THUAN_HOA)
        make_officer(session, "vinh", "commune", PHU_VINH)
        note = enqueue(session, channel="sms", address=PHONE, text=TEXT, kind="notification", key="n-1",
                       beneficiary_id=lai.id, person_id=person_id)
        code = enqueue(session, channel="sms", address=PHONE, text="AnSinh: ma 654321", kind="otp",
                       key="otp-1",
                       person_id=person_id)
        ids = note.id, code.id
    runtime.settings = runtime.settings.with_(twilio_api_base_url=standin.url)
    dispatcher = Dispatcher(sessions, {"sms": TwilioSender(runtime.settings)}, clock, runtime.settings)
    for _ in range(runtime.settings.outbox_max_attempts):
        dispatcher.run_once()
        clock.advance(hours=2)  # past any backoff
    return dispatcher, ids


def test_refused_messages_go_dead_after_the_attempts(sessions, runtime, dead, twilio_failing):
    standin, _ = twilio_failing
    with sessions() as session:
        rows = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert [(r.status, r.attempts) for r in rows] == [("dead", runtime.settings.outbox_max_attempts)] * 2
    assert len(standin.requests) == 2 * runtime.settings.outbox_max_attempts and all(
        r.last_error for r in rows
    )
    assert "654321" not in rows[1].text  # a one-time code that never left is not kept either


def test_the_units_officer_sees_them_masked_and_another_unit_does_not(app, client, sessions, dead):
    note_id, code_id = dead[1]
    sign_in(client, "lan")
    page = client.get("/console/dead-letters")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Chưa gửi được" in html
    assert f'id="dead-{note_id}"' in html and f'id="dead-{code_id}"' in html
    assert "…1203" in html and PHONE not in html and "978451203" not in html
    assert "750" not in html and "123456" not in html and "654321" not in html  # amounts and codes hidden
    assert "Thông báo" in html and "Mã xác nhận" in html and "Gửi lại" in html
    assert html.count('action="/console/dead-letters/') == 1  # a one-time code is not offered again
    other = app.test_client()
    sign_in(other, "vinh")
    assert f'id="dead-{note_id}"' not in other.get("/console/dead-letters").get_data(as_text=True)
    assert post(other, f"/console/dead-letters/{note_id}/retry").status_code == 403
    with sessions() as session:
        assert session.get(OutboxMessage, note_id).status == "dead"
        assert (
            session.scalar(select(AuditLog.actor).where(AuditLog.action == "outbox.dead_list"))
            == "officer:lan"
        )


def test_retry_requeues_and_the_message_leaves_when_twilio_is_back(client, sessions, dead, twilio_failing):
    dispatcher, (note_id, code_id) = dead
    standin, working = twilio_failing
    sign_in(client, "lan")
    response = post(client, f"/console/dead-letters/{note_id}/retry", follow_redirects=True)
    assert response.status_code == 200 and "gửi lại" in response.get_data(as_text=True)
    refused = post(client, f"/console/dead-letters/{code_id}/retry", follow_redirects=True)
    assert "Mã xác nhận không được gửi lại" in refused.get_data(as_text=True)
    with sessions() as session:
        note, code = session.get(OutboxMessage, note_id), session.get(OutboxMessage, code_id)
        assert (note.status, note.attempts, code.status) == ("queued", 0, "dead")
        audit = session.scalar(select(AuditLog).where(AuditLog.action == "outbox.requeue"))
        assert audit.actor == "officer:lan" and audit.detail["message"] == note_id
    again = post(client, f"/console/dead-letters/{note_id}/retry", follow_redirects=True)
    assert "không còn" in again.get_data(as_text=True)  # already queued: nothing changes
    standin.route("POST", MESSAGES_PATH, working)
    dispatcher.run_once()
    with sessions() as session:
        assert session.get(OutboxMessage, note_id).status == "sent"
    assert "Gửi lại" not in client.get("/console/dead-letters").get_data(as_text=True)


def test_unknown_message_is_404_and_the_form_needs_csrf(client, dead):
    sign_in(client, "lan")
    assert post(client, "/console/dead-letters/999999/retry").status_code == 404
    assert client.post(f"/console/dead-letters/{dead[1][0]}/retry").status_code == 400
