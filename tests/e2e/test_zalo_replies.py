"""Zalo answers as replies: within 48 hours of a user's message the OA's answer names that message
(`recipient.message_id`, billed as a free reply); later messages go by user_id alone."""
from __future__ import annotations

from tests.e2e.test_zalo_bot import USER, post, send_all, settings, text_event, zalo_api  # noqa: F401 - fixtures


def recipients(zalo_api) -> list[dict]:
    return [attempt["recipient"] for attempt in zalo_api.attempts()]


def test_an_answer_is_sent_as_a_reply_to_the_message_it_answers(client, zalo_api, send_all):  # noqa: F811
    post(client, text_event("xin chào", msg_id="msg-hello-1"))
    send_all()
    assert recipients(zalo_api) == [{"user_id": USER, "message_id": "msg-hello-1"}]


def test_an_answer_queued_more_than_48_hours_after_the_message_goes_by_user_id(client, runtime, zalo_api, send_all):  # noqa: F811
    post(client, text_event("xin chào", msg_id="msg-hello-2"))
    runtime.clock.advance(hours=49)
    send_all()
    assert recipients(zalo_api) == [{"user_id": USER}]


def test_another_message_within_48_hours_replies_to_the_users_latest(client, runtime, zalo_api, send_all):  # noqa: F811
    from core.db import transaction
    from core.outbox import enqueue

    post(client, text_event("xin chào", msg_id="msg-first"))
    post(client, text_event("cảm ơn", msg_id="msg-latest"))
    send_all()
    runtime.clock.advance(hours=47)
    with transaction(runtime.sessions) as session:
        enqueue(session, channel="zalo", address=USER, text="Khiếu nại của bạn đã được trả lời.", kind="reply",
                key="complaint:1:reply:1")
    send_all()
    assert recipients(zalo_api)[-1] == {"user_id": USER, "message_id": "msg-latest"}
    runtime.clock.advance(hours=2)
    with transaction(runtime.sessions) as session:
        enqueue(session, channel="zalo", address=USER, text="Tiền tháng 11 đã về.", kind="notification", key="n:1")
    send_all()
    assert recipients(zalo_api)[-1] == {"user_id": USER}
