"""Zalo OA end to end: signed events POSTed to /zalo/webhook, answers sent by the dispatcher to a
local stand-in of Zalo's message/cs and OAuth v4 endpoints (rotating single-use refresh tokens)."""
from __future__ import annotations

import hashlib
import json
import re

import pytest
from sqlalchemy import func, select

from core.models import Identity, OutboxMessage, ProviderToken
from core.outbox.dispatch import Dispatcher
from core.storage.db import transaction
from tests.conftest import TODAY
from tests.support.bot_factory import (
    AMOUNT_VI,
    BENEFICIARY_CODE,
    BIRTH_YEAR,
    GUARDIAN_PHONE,
    make_family,
)
from tests.support.standins.server import StandIn
from tests.support.standins_bot import ZaloApi

APP_ID = "2553928453557884079"
OA_SECRET = "oa-secret-key"
USER = "6142494823000000001"
OA_ID = "3662729599332560487"


@pytest.fixture
def zalo_api():
    with StandIn() as standin:
        yield ZaloApi(valid_access="access-0", valid_refresh="refresh-0").mount(standin)


@pytest.fixture
def settings(settings, zalo_api):
    return settings.with_(zalo_app_id=APP_ID, zalo_oa_secret_key=OA_SECRET, zalo_access_token="access-0",
                          zalo_refresh_token="refresh-0", zalo_app_secret="app-secret",
                          zalo_api_base_url=zalo_api.standin.url, zalo_oauth_base_url=zalo_api.standin.url)


@pytest.fixture
def send_all(runtime):
    dispatcher = Dispatcher(runtime.sessions, {"zalo": runtime.senders["zalo"]}, runtime.clock,
                            runtime.settings,
                            on_permanent_failure=runtime.on_permanent_failure)

    def run() -> int:
        total = 0
        while (handled := dispatcher.run_once()) > 0:
            total += handled
        return total

    return run


_counter = iter(range(1, 10_000))
NOW_MS = int(TODAY.timestamp() * 1000)  # the runtime's FakeClock: events are signed "now"


def stamp(offset_ms: int = 0) -> str:
    return str(NOW_MS + offset_ms + next(_counter))  # distinct: a follow's key includes its timestamp


def text_event(text: str, user: str = USER, msg_id: str | None = None) -> dict:
    return {"app_id": APP_ID, "user_id_by_app": "979122185046046317", "event_name": "user_send_text",
            "sender": {"id": user}, "recipient": {"id": OA_ID},
            "message": {"text": text, "msg_id": msg_id or f"msg{next(_counter):06d}"}, "timestamp": stamp()}


def follow_event(name: str, user: str = USER) -> dict:
    return {"app_id": APP_ID, "oa_id": OA_ID, "user_id_by_app": "979122185046046317", "event_name": name,
            "follower": {"id": user}, "source": "oa_profile", "timestamp": stamp()}


def signature(raw: bytes, timestamp: str, secret: str = OA_SECRET) -> str:
    stamp = timestamp.encode("utf-8", "surrogatepass")
    return hashlib.sha256(APP_ID.encode() + raw + stamp + secret.encode()).hexdigest()


def post(client, event: dict, sign: str | None = "mac="):
    try:
        raw = json.dumps(event, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: sent as JSON's \ud800 escape
        raw = json.dumps(event).encode("ascii")
    headers = {"Content-Type": "application/json"}
    if sign is not None:
        headers["X-ZEvent-Signature"] = sign + signature(raw, str(event.get("timestamp", "")))
    return client.post("/zalo/webhook", data=raw, headers=headers)


def outbox(runtime, **where) -> list[OutboxMessage]:
    with runtime.sessions() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return list(session.scalars(query))


def test_unsigned_and_badly_signed_events_are_refused(client, runtime):
    event = text_event("tiền tháng này về chưa")
    raw = json.dumps(event, ensure_ascii=False).encode("utf-8")
    assert client.post("/zalo/webhook", data=raw,
                       headers={"Content-Type": "application/json"}).status_code == 403
    bad = "mac=" + signature(raw, event["timestamp"], secret="not-the-secret")
    assert client.post("/zalo/webhook", data=raw, headers={"X-ZEvent-Signature": bad}).status_code == 403
    tampered = raw.replace("tháng này".encode(), "tháng trước".encode())
    assert tampered != raw
    good_for_original = "mac=" + signature(raw, event["timestamp"])
    assert client.post("/zalo/webhook", data=tampered,
                       headers={"X-ZEvent-Signature": good_for_original}).status_code == 403
    assert outbox(runtime) == []


@pytest.mark.parametrize("prefix", ["mac=", ""])
def test_signature_with_or_without_the_mac_prefix_is_accepted(client, prefix):
    assert post(client, follow_event("follow"), sign=prefix).status_code == 200


def test_webhook_is_closed_without_zalo_settings(client, runtime):
    runtime.settings = runtime.settings.with_(zalo_oa_secret_key=None)
    assert post(client, follow_event("follow")).status_code == 403


def test_register_by_code_then_ask_and_get_the_amount_through_the_send_api(client, runtime, zalo_api,
                                                                           send_all):
    with transaction(runtime.sessions) as session:
        make_family(session)
    assert post(client, text_event(f"DK {BENEFICIARY_CODE} {BIRTH_YEAR}")).status_code == 200
    [otp] = outbox(runtime, channel="sms")
    assert otp.kind == "otp" and otp.address == GUARDIAN_PHONE  # only to the phone on file
    code = re.search(r"\b(\d{6})\b", otp.text).group(1)
    send_all()
    assert "…5678" in zalo_api.texts_to(USER)[-1]

    assert post(client, text_event(code)).status_code == 200
    zalo_api.expire_access_token()  # the next send is refused once, then the token is renewed
    assert post(client, text_event("tiền tháng này về chưa")).status_code == 200
    send_all()
    assert AMOUNT_VI in zalo_api.texts_to(USER)[-1]
    with runtime.sessions() as session:
        identity = session.scalar(select(Identity).where(Identity.kind == "zalo", Identity.address == USER))
        assert identity.verified and identity.person.identities  # joined the person on file
        token = session.get(ProviderToken, "zalo")
        # The new single-use token is stored
        assert token.refresh_token == zalo_api.valid_refresh != "refresh-0"
        assert token.access_token == zalo_api.valid_access
    assert [r.status for r in outbox(runtime, channel="zalo")] == ["sent"] * 3
    assert len(outbox(runtime, channel="sms")) == 1


def test_linking_zalo_after_sms_keeps_the_persons_language(client, runtime, zalo_api, send_all):
    with transaction(runtime.sessions) as session:
        family = make_family(session, guardian_language="en")
    post(client, text_event(f"DK {BENEFICIARY_CODE} {BIRTH_YEAR}"))
    code = re.search(r"\b(\d{6})\b", outbox(runtime, channel="sms")[0].text).group(1)
    post(client, text_event(code))
    post(client, text_event("tiền tháng này về chưa"))
    send_all()
    assert "750,000" in zalo_api.texts_to(USER)[-1]
    with runtime.sessions() as session:
        identity = session.scalar(select(Identity).where(Identity.kind == "zalo", Identity.address == USER))
        assert identity.person_id == family.guardian.id


def test_a_repeated_delivery_is_harmless(client, runtime, zalo_api, send_all):
    event = text_event("xin chào", msg_id="repeated-msg-1")
    assert post(client, event).status_code == 200
    assert post(client, event).status_code == 200
    send_all()
    assert len(outbox(runtime)) == 1
    assert len(zalo_api.texts_to(USER)) == 1


def test_follow_greets_with_how_to_link_and_unfollow_opts_out(client, runtime, zalo_api, send_all):
    with transaction(runtime.sessions) as session:
        make_family(session)
    post(client, follow_event("follow"))
    send_all()
    assert "DK <mã đối tượng> <năm sinh>" in zalo_api.texts_to(USER)[0]
    post(client, text_event(f"DK {BENEFICIARY_CODE} {BIRTH_YEAR}"))
    post(client, text_event(re.search(r"\b(\d{6})\b", outbox(runtime, channel="sms")[0].text).group(1)))
    post(client, follow_event("unfollow"))
    with runtime.sessions() as session:
        identity = session.scalar(select(Identity).where(Identity.kind == "zalo", Identity.address == USER))
        assert identity.opted_out is True


def test_delivery_and_seen_events_mark_the_message_delivered(client, runtime, zalo_api, send_all):
    post(client, text_event("xin chào"))
    send_all()
    [row] = outbox(runtime)
    assert row.status == "sent" and row.provider_id
    receipt = {"app_id": APP_ID, "event_name": "user_received_message", "sender": {"id": OA_ID},
               "recipient": {"id": USER}, "message": {"msg_ids": [row.provider_id]}, "timestamp": stamp()}
    assert post(client, receipt).status_code == 200
    [row] = outbox(runtime)
    assert row.status == "delivered" and row.delivered_at is not None


def test_a_user_who_cannot_be_reached_is_opted_out(client, runtime, zalo_api, send_all):
    with transaction(runtime.sessions) as session:
        make_family(session)
    post(client, text_event(f"DK {BENEFICIARY_CODE} {BIRTH_YEAR}"))
    post(client, text_event(re.search(r"\b(\d{6})\b", outbox(runtime, channel="sms")[0].text).group(1)))
    zalo_api.unfollowed(USER)
    send_all()
    with runtime.sessions() as session:
        identity = session.scalar(select(Identity).where(Identity.kind == "zalo", Identity.address == USER))
        assert identity.opted_out is True
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.channel == "zalo", OutboxMessage.status == "failed")) == 2


def test_other_events_are_acknowledged_and_ignored(client, runtime):
    event = {"app_id": APP_ID, "event_name": "oa_send_text", "sender": {"id": OA_ID},
             "recipient": {"id": USER},
             "message": {"text": "hi", "msg_id": "oa1"}, "timestamp": stamp()}
    assert post(client, event).status_code == 200
    assert outbox(runtime) == []



def test_choices_are_written_as_lines_on_zalo(client, zalo_api, send_all):
    post(client, text_event("xin chào"))
    send_all()
    [greeting] = zalo_api.texts_to(USER)
    assert "\n- " in greeting and ": nhắn DK" in greeting
    assert "\x1e" not in greeting and "{" not in greeting


@pytest.mark.parametrize("when", [None, "", "soon", "\ud800", 1.5e12,
                                  -5 * 60_000 - 1, -24 * 3600_000, 5 * 60_000 + 1])
def test_an_event_without_a_timestamp_or_one_more_than_5_minutes_away_is_refused(client, runtime, when):
    """A captured signed event replayed later carries its old timestamp, which the signature covers."""
    event = text_event("tiền tháng này về chưa")
    if when is None:
        del event["timestamp"]
    else:
        event["timestamp"] = str(NOW_MS + when) if isinstance(when, int) else when
    assert post(client, event).status_code == 403
    assert outbox(runtime) == []
    event["timestamp"] = str(NOW_MS - 5 * 60_000)  # five minutes late is still fresh
    assert post(client, event).status_code == 200 and len(outbox(runtime)) == 1


@pytest.mark.parametrize("change", [
    {"message": "tiền tháng này về chưa"}, {"sender": USER}, {"event_name": "follow", "follower": [USER]},
    {"event_name": "user_received_message", "message": {"msg_ids": "abc"}}, {"sender": {"id": {"id": USER}}},
    {"message": {"text": {"t": 1}, "msg_id": "m-dict"}}, {"message": {"text": "hi", "msg_id": ["m"]}},
    {"sender": {"id": "\ud800"}}, {"message": {"text": "tiền\udc00", "msg_id": "m-surrogate"}},
    {"event_name": ["user_send_text"]},
])
def test_a_signed_event_of_the_wrong_shape_is_a_400(client, runtime, change):
    assert post(client, {**text_event("xin chào"), **change}).status_code == 400
    assert outbox(runtime) == []


def test_an_unsure_question_lists_numbered_choices_and_the_number_answers_it(client, runtime, zalo_api,
                                                                              send_all):
    with transaction(runtime.sessions) as session:
        make_family(session)
    post(client, text_event(f"DK {BENEFICIARY_CODE} {BIRTH_YEAR}"))
    [otp] = outbox(runtime, channel="sms")
    post(client, text_event(re.search(r"\b(\d{6})\b", otp.text).group(1)))
    post(client, text_event("Tháng 11 lãnh ở đâu được chưa"))
    send_all()
    offer = zalo_api.texts_to(USER)[-1]
    picks = dict(re.findall(r"- (.+): nhắn (\d)", offer))
    assert "Tiền đã về chưa" in picks and "Khác: gọi cán bộ" in picks and AMOUNT_VI not in offer
    post(client, text_event(picks["Tiền đã về chưa"]))
    send_all()
    assert AMOUNT_VI in zalo_api.texts_to(USER)[-1]


# Answers as replies: within 48 hours of a user's message the OA's answer names that message
# (recipient.message_id, billed as a free reply); later messages go by user_id alone.
def recipients(zalo_api) -> list[dict]:
    return [attempt["recipient"] for attempt in zalo_api.attempts()]


def test_an_answer_is_sent_as_a_reply_to_the_message_it_answers(client, zalo_api, send_all):
    post(client, text_event("xin chào", msg_id="msg-hello-1"))
    send_all()
    assert recipients(zalo_api) == [{"user_id": USER, "message_id": "msg-hello-1"}]


def test_an_answer_queued_more_than_48_hours_after_the_message_goes_by_user_id(client, runtime, zalo_api,
                                                                               send_all):
    post(client, text_event("xin chào", msg_id="msg-hello-2"))
    runtime.clock.advance(hours=49)
    send_all()
    assert recipients(zalo_api) == [{"user_id": USER}]


def test_another_message_within_48_hours_replies_to_the_users_latest(client, runtime, zalo_api, send_all):
    from core.outbox.writes import enqueue

    post(client, text_event("xin chào", msg_id="msg-first"))
    post(client, text_event("cảm ơn", msg_id="msg-latest"))
    send_all()
    runtime.clock.advance(hours=47)
    with transaction(runtime.sessions) as session:
        enqueue(session, channel="zalo", address=USER, text="Khiếu nại của bạn đã được trả lời.",
                kind="reply",
                key="complaint:1:reply:1")
    send_all()
    assert recipients(zalo_api)[-1] == {"user_id": USER, "message_id": "msg-latest"}
    runtime.clock.advance(hours=2)
    with transaction(runtime.sessions) as session:
        enqueue(session, channel="zalo", address=USER, text="Tiền tháng 11 đã về.", kind="notification",
                key="n:1")
    send_all()
    assert recipients(zalo_api)[-1] == {"user_id": USER}
