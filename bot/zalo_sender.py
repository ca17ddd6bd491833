"""Sending outbox rows to Zalo users through the OA consultation API.

    POST {ZALO_API_BASE_URL}/v3.0/oa/message/cs
    header access_token: <OA access token>
    {"recipient": {"user_id": "<the user's id for this OA>"}, "message": {"text": "…"}}
    (within 48 hours of the user's message, recipient also carries "message_id": a free reply,
    bot/zalo_replies.py)
    → HTTP 200 {"error": 0, "message": "Success", "data": {"message_id": "…", "user_id": "…"}}
      or HTTP 200 {"error": -216, "message": "Access token is invalid"}

Zalo reports errors in the body with HTTP 200. An invalid or expired access token is renewed
(bot/zalo_tokens.py) and the message tried once more; a user who unfollowed or blocked the OA is
a permanent failure with opt-out (core.outbox.delivery then marks the identity and falls back to SMS);
5xx, timeouts, rate and quota errors are temporary. Delivery and "seen" receipts come back as
webhook events (bot/zalo.py) carrying the message_id recorded here as provider_id.
"""
from __future__ import annotations

import logging

import requests

from bot.keyboards import plain_text
from bot.zalo_replies import reply_target
from bot.zalo_tokens import ZaloTokens
from core.outbox.dispatch import PermanentError, SendResult, TemporaryError
from core.conversation.render import fit_chars

logger = logging.getLogger(__name__)
TEXT_LIMIT = 2000  # characters Zalo accepts in one text message
TIMEOUT = 10.0
TOKEN_ERRORS = frozenset({-124, -216, -220})  # access token invalid / expired
UNREACHABLE_ERRORS = frozenset({-213, -217})  # user has not followed (or unfollowed) / blocked the OA
TEMPORARY_ERRORS = frozenset({-32, -211, -218, -500})  # rate limit, out of quota, sending limit, server busy


class ZaloSender:
    channel = "zalo"

    def __init__(self, settings, tokens: ZaloTokens, http: requests.Session | None = None,
                 state=None):
        self.settings = settings
        self.tokens = tokens
        self.http = http or tokens.http
        self.state = state  # core.storage.state store: the users' latest message ids (bot/zalo_replies.py)

    def _post(self, access_token: str, recipient: dict, text: str) -> dict:
        url = self.settings.zalo_api_base_url.rstrip("/") + "/v3.0/oa/message/cs"
        try:
            response = self.http.post(url, headers={"access_token": access_token},
                                      json={"recipient": recipient, "message": {"text": text}},
                                      timeout=TIMEOUT)
        except requests.RequestException as error:
            raise TemporaryError(f"zalo: {type(error).__name__}") from error
        if response.status_code == 429 or response.status_code >= 500:
            raise TemporaryError(f"zalo: HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as error:
            raise TemporaryError(f"zalo: HTTP {response.status_code}, unreadable answer") from error
        if response.status_code != 200 and "error" not in body:
            raise TemporaryError(f"zalo: HTTP {response.status_code}")
        return body if isinstance(body, dict) else {}

    def send(self, message) -> SendResult:  # core.models.OutboxMessage
        text = fit_chars(plain_text(message.text, message.buttons), TEXT_LIMIT)
        recipient = {"user_id": message.address}
        answered = reply_target(self.state, message, self.tokens.clock.now())
        if answered:
            recipient["message_id"] = answered
        token = self.tokens.access_token()
        body = self._post(token, recipient, text)
        if _code(body) in TOKEN_ERRORS:
            logger.info("zalo refused the access token (%s); renewing", _code(body))
            body = self._post(self.tokens.refresh(stale=token), recipient, text)
        return _result(body)


def _code(body: dict) -> int:
    try:
        return int(body.get("error", -1))
    except (TypeError, ValueError):
        return -1


def _result(body: dict) -> SendResult:
    code = _code(body)
    detail = f"zalo error {code}: {body.get('message', '')}"
    if code == 0:
        data = body.get("data") or {}
        return SendResult(provider_id=str(data.get("message_id") or "") or None, status="sent")
    if code in UNREACHABLE_ERRORS:
        raise PermanentError(detail, opt_out=True)
    if code in TEMPORARY_ERRORS or code in TOKEN_ERRORS:
        raise TemporaryError(detail)
    raise PermanentError(detail)
