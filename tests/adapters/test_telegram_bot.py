"""Telegram end to end: updates POSTed to /telegram/webhook as Telegram sends them, answers sent by
the dispatcher through python-telegram-bot to a local Bot API stand-in (via base_url)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.models import AuditLog, Identity, OutboxMessage
from core.outbox.dispatch import Dispatcher
from core.storage.db import transaction
from tests.support.bot_factory import AMOUNT_VI, GUARDIAN_PHONE, make_family
from tests.support.standins.server import StandIn
from tests.support.standins_bot import TelegramBotApi, private_message

SECRET = "telegram-webhook-secret"
GUARDIAN_TG = 111111111
STRANGER_TG = 222222222
QUESTION = "Tiền tháng này của mẹ về chưa?"


@pytest.fixture
def bot_api():
    with StandIn() as standin:
        yield TelegramBotApi().mount(standin)


@pytest.fixture
def settings(settings, bot_api):
    return settings.with_(telegram_bot_token="7000000001:TEST-token", telegram_webhook_secret=SECRET,
                          telegram_api_base_url=f"{bot_api.standin.url}/bot")


@pytest.fixture
def family(sessions):
    with transaction(sessions) as session:
        return make_family(session)


@pytest.fixture
def send_all(runtime):
    """Run the dispatcher over what is due, with the runtime's Telegram sender."""
    dispatcher = Dispatcher(runtime.sessions, {"telegram": runtime.senders["telegram"]}, runtime.clock,
                            runtime.settings,
                            on_permanent_failure=runtime.on_permanent_failure)

    def run() -> int:
        total = 0
        while (handled := dispatcher.run_once()) > 0:
            total += handled
        return total

    return run  # the runtime fixture closes the sender


def post(client, update: dict, secret: str | None = SECRET):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return client.post("/telegram/webhook", json=update, headers=headers)


def own_contact(user_id: int, phone: str = "84912345678") -> dict:
    return {"phone_number": phone, "first_name": "Hùng", "user_id": user_id}


def texts_to(bot_api: TelegramBotApi, chat_id: int) -> list[str]:
    return [m["text"] for m in bot_api.sent() if str(m["chat_id"]) == str(chat_id)]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"])
def test_webhook_refuses_a_missing_or_wrong_secret(client, runtime, secret):
    assert post(client, private_message(1, GUARDIAN_TG, "/start"), secret=secret).status_code == 403
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_webhook_is_closed_when_no_secret_is_configured(client, runtime):
    runtime.settings = runtime.settings.with_(telegram_webhook_secret=None)
    assert post(client, private_message(1, GUARDIAN_TG, "/start"), secret="").status_code == 403


def test_start_greets_in_vietnamese_with_big_buttons_and_a_share_phone_button(client, bot_api, send_all):
    assert post(client, private_message(1, GUARDIAN_TG, "/start")).status_code == 200
    assert send_all() == 1
    [message] = bot_api.sent()
    assert str(message["chat_id"]) == str(GUARDIAN_TG)
    assert message["text"].startswith("Xin chào ông/bà")
    assert "DK <mã đối tượng> <năm sinh>" in message["text"]
    keyboard = message["reply_markup"]
    buttons = [button for row in keyboard["keyboard"] for button in row]
    assert [b["text"] for b in buttons] == ["Tiền tháng này", "Lịch chi trả", "Số tiền", "Lịch sử",
                                            "Liên hệ cán bộ",
                                            "Chia sẻ số điện thoại"]
    assert buttons[-1].get("request_contact") is True
    assert not any(b.get("request_contact") for b in buttons[:-1])
    assert keyboard.get("is_persistent") is True and not keyboard.get("resize_keyboard")


def test_guardian_shares_own_contact_then_asks_and_is_told_the_amount(client, runtime, bot_api, send_all,
                                                                      family):
    post(client, private_message(1, GUARDIAN_TG, "/start"))
    post(client, private_message(2, GUARDIAN_TG, contact=own_contact(GUARDIAN_TG)))
    send_all()
    linked = texts_to(bot_api, GUARDIAN_TG)[-1]
    assert "…5678" in linked
    with runtime.sessions() as session:
        identity = session.scalar(select(Identity).where(Identity.kind == "telegram",
                                                         Identity.address == str(GUARDIAN_TG)))
        assert identity.verified and identity.verified_by == "contact_share"
        assert identity.person_id == family.guardian.id  # the same person as the phone on file
    linked_keyboard = bot_api.sent()[-1]["reply_markup"]["keyboard"]
    assert not any(button.get("request_contact") for row in linked_keyboard for button in row)

    post(client, private_message(3, GUARDIAN_TG, QUESTION))
    send_all()
    answer = texts_to(bot_api, GUARDIAN_TG)[-1]
    assert AMOUNT_VI in answer
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.actor == f"telegram:{GUARDIAN_TG}",
            AuditLog.beneficiary_id == family.beneficiary.id)) >= 1


@pytest.mark.parametrize("contact_user_id", [GUARDIAN_TG, None])
def test_forwarded_contact_of_someone_else_is_refused_and_learns_nothing(client, runtime, bot_api, send_all,
                                                                         family,
                                                                         contact_user_id):
    contact = {"phone_number": GUARDIAN_PHONE, "first_name": "Hùng"}
    if contact_user_id is not None:
        contact["user_id"] = contact_user_id
    post(client, private_message(10, STRANGER_TG, contact=contact))
    post(client, private_message(11, STRANGER_TG, QUESTION))
    send_all()
    refusal, answer = texts_to(bot_api, STRANGER_TG)
    assert "chính mình" in refusal
    assert answer  # still answered
    assert AMOUNT_VI not in answer and "Lài" not in answer and "5678" not in answer
    with runtime.sessions() as session:
        assert session.scalar(select(Identity).where(Identity.kind == "telegram",
                                                     Identity.address == str(STRANGER_TG),
                                                     Identity.verified.is_(True))) is None
        assert session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.actor == f"telegram:{STRANGER_TG}", AuditLog.beneficiary_id.is_not(None))) == 0


def test_own_number_not_on_file_is_told_how_to_register(client, bot_api, send_all, family):
    post(client, private_message(20, STRANGER_TG, contact=own_contact(STRANGER_TG, "+84987654321")))
    send_all()
    [text] = texts_to(bot_api, STRANGER_TG)
    assert "chưa có trong danh sách" in text


def test_a_repeated_update_is_harmless(client, runtime, bot_api, send_all):
    update = private_message(30, GUARDIAN_TG, "/start")
    assert post(client, update).status_code == 200
    assert post(client, update).status_code == 200
    send_all()
    assert len(bot_api.sent()) == 1


def test_a_sticker_gets_a_short_note(client, bot_api, send_all):
    update = private_message(40, GUARDIAN_TG)
    update["message"]["sticker"] = {"file_id": "x", "file_unique_id": "y", "width": 512, "height": 512,
                                    "is_animated": False, "is_video": False, "type": "regular"}
    post(client, update)
    send_all()
    assert "tin nhắn chữ" in texts_to(bot_api, GUARDIAN_TG)[0]


def test_blocked_by_the_user_opts_the_chat_out(client, runtime, bot_api, send_all, family):
    post(client, private_message(50, GUARDIAN_TG, contact=own_contact(GUARDIAN_TG)))
    send_all()
    bot_api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    post(client, private_message(51, GUARDIAN_TG, QUESTION))
    send_all()
    with runtime.sessions() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key.like("telegram:51:%")))
        assert row.status == "failed" and "blocked" in row.last_error
        identity = session.scalar(select(Identity).where(Identity.kind == "telegram",
                                                         Identity.address == str(GUARDIAN_TG)))
        assert identity.opted_out is True


def test_flood_control_retry_after_is_honoured(client, runtime, clock, bot_api, send_all):
    bot_api.fail_next("sendMessage", 429, "Too Many Requests: retry after 17", retry_after=17)
    post(client, private_message(60, GUARDIAN_TG, "/start"))
    send_all()
    with runtime.sessions() as session:
        row = session.scalar(select(OutboxMessage))
        assert (row.status, row.attempts) == ("queued", 1)
        assert row.not_before == clock.now() + timedelta(seconds=17)
    clock.advance(seconds=17)
    assert send_all() == 1
    with runtime.sessions() as session:
        assert session.scalar(select(OutboxMessage)).status == "sent"
    assert len(bot_api.sent()) == 2  # the refused attempt, then the one Telegram accepted



def test_each_big_button_is_understood_once_linked(client, bot_api, send_all, family):
    post(client, private_message(70, GUARDIAN_TG, contact=own_contact(GUARDIAN_TG)))
    send_all()
    labels = [b["text"] for row in bot_api.sent()[-1]["reply_markup"]["keyboard"] for b in row]
    for offset, label in enumerate(labels, start=71):
        post(client, private_message(offset, GUARDIAN_TG, label))
        send_all()
    status, schedule, amount, history, officer = texts_to(bot_api, GUARDIAN_TG)[1:]
    assert "11/2026" in status and AMOUNT_VI in status
    assert "Viettel Money" in schedule
    assert "500.000đ × hệ số 1,5 = 750.000đ" in amount
    assert "05/11/2026" in history
    assert "Thuận Hóa" in officer


def test_an_inline_button_press_is_answered_and_its_spinner_stopped(client, bot_api, send_all, family):
    post(client, private_message(90, GUARDIAN_TG, contact=own_contact(GUARDIAN_TG)))
    post(client, private_message(91, GUARDIAN_TG, QUESTION))
    send_all()
    inline = bot_api.sent()[-1]["reply_markup"]["inline_keyboard"]
    history_button = next(b for row in inline for b in row if b["callback_data"] == "LS")
    press = {"update_id": 92, "callback_query": {
        "id": "4382bfdwdsb323b2d9", "chat_instance": "-1", "data": history_button["callback_data"],
        "from": {"id": GUARDIAN_TG, "is_bot": False, "first_name": "Hùng"},
        "message": {"message_id": 5, "date": 1795000000, "chat": {"id": GUARDIAN_TG, "type": "private"},
                    "text": "…"}}}
    response = post(client, press)
    assert response.status_code == 200
    assert response.get_json() == {"method": "answerCallbackQuery", "callback_query_id": "4382bfdwdsb323b2d9"}
    send_all()
    assert "05/11/2026" in texts_to(bot_api, GUARDIAN_TG)[-1]


def _raw(client, body: bytes, secret: str = SECRET):
    return client.post("/telegram/webhook", data=body, content_type="application/json",
                       headers={"X-Telegram-Bot-Api-Secret-Token": secret})


def _with(update: dict, **message) -> dict:
    return {**update, "message": {**update["message"], **message}}


@pytest.mark.parametrize("body", [
    b'{"update_id": "\\ud800"}',  # a lone surrogate for an id
    b'{"update_id": "12"}', b'{"update_id": 1.5}', b'{"update_id": true}', b'{"update_id": null}',
    json.dumps(_with(private_message(31, GUARDIAN_TG, "x"), text={"t": 1})).encode(),
    json.dumps(_with(private_message(32, GUARDIAN_TG, "x"), text=["LS"])).encode(),
    json.dumps(private_message(33, GUARDIAN_TG, "ti\ud83d")).encode(),  # text ending in half an emoji
    json.dumps({"update_id": 35, "callback_query": {
        "id": "q", "chat_instance": "-1", "data": {"d": 1},
        "from": {"id": GUARDIAN_TG, "is_bot": False, "first_name": "F"},
        "message": {"message_id": 5, "date": 1795000000,
                    "chat": {"id": GUARDIAN_TG, "type": "private"}}}}).encode(),
    b"[" * 100_000,
])
def test_a_malformed_update_with_the_right_secret_is_a_400(client, runtime, body):
    assert _raw(client, body).status_code == 400
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_an_unsure_question_offers_buttons_and_a_tap_answers_it(client, bot_api, send_all, family):
    post(client, private_message(300, GUARDIAN_TG, contact=own_contact(GUARDIAN_TG)))
    post(client, private_message(301, GUARDIAN_TG, "Tháng 11 lãnh ở đâu được chưa"))
    send_all()
    offer = bot_api.sent()[-1]
    buttons = {b["text"]: b["callback_data"] for row in offer["reply_markup"]["inline_keyboard"] for b in row}
    assert "Tiền đã về chưa" in buttons and "Khác: gọi cán bộ" in buttons and len(buttons) <= 4
    assert AMOUNT_VI not in offer["text"]
    press = {"update_id": 302, "callback_query": {
        "id": "unsure-tap", "chat_instance": "-1", "data": buttons["Tiền đã về chưa"],
        "from": {"id": GUARDIAN_TG, "is_bot": False, "first_name": "Hùng"},
        "message": {"message_id": 6, "date": 1795000000, "chat": {"id": GUARDIAN_TG, "type": "private"},
                    "text": "…"}}}
    assert post(client, press).status_code == 200
    send_all()
    answer = texts_to(bot_api, GUARDIAN_TG)[-1]
    assert AMOUNT_VI in answer and "11/2026" in answer
