"""Stand-ins for the Telegram Bot API and Zalo's OA and OAuth APIs, on tests/standins' recording
HTTP server. Point TELEGRAM_API_BASE_URL at `f"{standin.url}/bot"` and ZALO_API_BASE_URL /
ZALO_OAUTH_BASE_URL at `standin.url`.

    api = StandIn().start(); telegram = TelegramBotApi().mount(api)
    telegram.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    telegram.sent()  -> [{"chat_id": "111", "text": "…", "reply_markup": {...}}, …]
"""
from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque

from tests.standins.server import Canned, RecordedRequest, StandIn

BOT_ID = 7000000001


def _params(request: RecordedRequest) -> dict:
    """Bot API parameters: PTB posts form fields whose complex values are JSON."""
    content_type = (request.header("Content-Type") or "").lower()
    if "json" in content_type:
        return dict(request.json or {})
    params = {}
    for key, value in request.form.items():
        try:
            params[key] = json.loads(value) if value[:1] in "[{" else value
        except ValueError:
            params[key] = value
    return params


class TelegramBotApi:
    """getMe, sendMessage, setWebhook, deleteWebhook, getUpdates (from a queue), answerCallbackQuery."""

    def __init__(self, token_pattern: str = r"[^/]+"):
        self.token_pattern = token_pattern
        self.updates: deque[list[dict]] = deque()  # each getUpdates answers the next batch
        self._failures: dict[str, deque[Canned]] = {}
        self._message_ids = itertools.count(1)
        self._lock = threading.Lock()
        self.standin: StandIn | None = None
        self.empty_poll_wait = 0.2  # like long polling: an empty getUpdates does not answer at once

    def mount(self, standin: StandIn) -> "TelegramBotApi":
        self.standin = standin
        standin.route("POST", rf"/bot{self.token_pattern}/(\w+)", self)
        standin.route("GET", rf"/bot{self.token_pattern}/(\w+)", self)
        return self

    def fail_next(self, method: str, status: int, description: str, retry_after: int | None = None) -> None:
        body = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        self._failures.setdefault(method, deque()).append(Canned(status, body))

    def queue_updates(self, *batches: list[dict]) -> None:
        self.updates.extend(batches)

    def __call__(self, request: RecordedRequest) -> Canned:
        method = request.path.rsplit("/", 1)[-1]
        with self._lock:
            failures = self._failures.get(method)
            if failures:
                return failures.popleft()
        params = _params(request)
        if method == "getMe":
            return Canned(200, {"ok": True, "result": {"id": BOT_ID, "is_bot": True, "first_name": "AnSinh",
                                                       "username": "ansinh_test_bot",
                                                       "can_join_groups": False,
                                                       "can_read_all_group_messages": False,
                                                       "supports_inline_queries": False}})
        if method == "sendMessage":
            chat_id = int(params.get("chat_id"))
            return Canned(200, {"ok": True, "result": {
                "message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "AnSinh"},
                "text": params.get("text", "")}})
        if method == "getUpdates":
            with self._lock:
                batch = self.updates.popleft() if self.updates else []
            if not batch:
                time.sleep(self.empty_poll_wait)
            return Canned(200, {"ok": True, "result": batch})
        return Canned(200, {"ok": True, "result": True})  # setWebhook, deleteWebhook, answerCallbackQuery, …

    def calls(self, method: str) -> list[dict]:
        assert self.standin is not None
        return [_params(r) for r in self.standin.requests_to(rf"/bot{self.token_pattern}/{method}")]

    def sent(self) -> list[dict]:
        return self.calls("sendMessage")


def private_message(update_id: int, user_id: int, text: str | None = None, contact: dict | None = None,
                    first_name: str = "Hùng") -> dict:
    """A Bot API Update for a private chat (chat id == user id, as Telegram does)."""
    message = {"message_id": update_id, "date": 1795000000,
               "chat": {"id": user_id, "type": "private", "first_name": first_name},
               "from": {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "vi"}}
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    if contact is not None:
        message["contact"] = contact
    return {"update_id": update_id, "message": message}


class ZaloApi:
    """/v3.0/oa/message/cs and /v4/oa/access_token with rotating single-use refresh tokens.

    Only `valid_access` is accepted; the OAuth endpoint accepts only `valid_refresh`, answers
    a new pair and forgets the old refresh token, like Zalo does."""

    def __init__(self, valid_access: str, valid_refresh: str):
        self.valid_access = valid_access
        self.valid_refresh = valid_refresh
        self._generation = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._unreachable: set[str] = set()
        self._lock = threading.Lock()
        self.standin: StandIn | None = None
        self.delivered: list[dict] = []  # bodies of the messages accepted

    def mount(self, standin: StandIn) -> "ZaloApi":
        self.standin = standin
        standin.route("POST", "/v3.0/oa/message/cs", self.send)
        standin.route("POST", "/v4/oa/access_token", self.oauth)
        return self

    def expire_access_token(self) -> None:
        with self._lock:
            self.valid_access = f"never-issued-{next(self._generation)}"

    def unfollowed(self, user_id: str) -> None:
        self._unreachable.add(user_id)

    def send(self, request: RecordedRequest) -> Canned:
        with self._lock:
            if request.header("access_token") != self.valid_access:
                return Canned(200, {"error": -216, "message": "Access token is invalid"})
        user_id = (request.json.get("recipient") or {}).get("user_id")
        if user_id in self._unreachable:
            return Canned(200, {"error": -213, "message": "User has not followed the OA"})
        with self._lock:
            self.delivered.append(request.json)
            message_id = f"zmsg{next(self._message_ids):06d}"
        return Canned(200,
                      {"error": 0, "message": "Success",
                       "data": {"message_id": message_id, "user_id": user_id}})

    def oauth(self, request: RecordedRequest) -> Canned:
        form = request.form
        with self._lock:
            if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.valid_refresh:
                return Canned(200, {"error": -14014, "error_name": "Invalid refresh token"})
            generation = next(self._generation)
            self.valid_access, self.valid_refresh = f"access-{generation}", f"refresh-{generation}"
            return Canned(200,
                          {"access_token": self.valid_access, "refresh_token": self.valid_refresh,
                           "expires_in": "90000"})

    def attempts(self) -> list[dict]:
        """Every message/cs request, refused ones included."""
        assert self.standin is not None
        return [r.json for r in self.standin.requests_to("/v3.0/oa/message/cs")]

    def texts_to(self, user_id: str) -> list[str]:
        """Texts Zalo accepted for this user, in order."""
        return [m["message"]["text"] for m in self.delivered if m["recipient"]["user_id"] == user_id]
