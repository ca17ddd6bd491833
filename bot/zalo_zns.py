"""Sending outbox rows by Zalo Notification Service (ZNS): an approved template to a phone number.

    POST {ZALO_ZNS_BASE_URL}/message/template
    header access_token: <the OA access token bot/zalo_tokens.py keeps and rotates>
    {"phone": "84912345678", "template_id": "312001",
     "template_data": {"ten_doi_tuong": "Nguyễn Thị Lan", "so_tien": 750000, …},
     "tracking_id": "<the outbox key>"}
    → HTTP 200 {"error": 0, "message": "Success",
                "data": {"msg_id": "…", "sent_time": "…", "quota": {"dailyQuota": "…", "remainingQuota":
                "…"}}}
      or HTTP 200 {"error": -118, "message": "Zalo account not existed"}

The row's `template_data` (core.notify.channels.choose) holds the template id and parameters;
its `text` is the SMS the person gets instead when ZNS cannot reach them. Zalo answers errors in
the body with HTTP 200; what each code does (docs/ZNS.md):
- token errors: the token is renewed and the message tried once more;
- daily quota, rate and "not at night" errors: TemporaryError with the wait Zalo implies
  (retried by the dispatcher, dead after ANSINH_OUTBOX_MAX_ATTEMPTS, shown in dead letters);
- -100 (unknown, "try again later"), HTTP 429 and 5xx, timeouts (ZALO_ZNS_TIMEOUT): TemporaryError;
- every other code (no Zalo account, cannot receive ZNS, invalid number, template or app
  problems, and codes not in the table): FallBack, so the next channel (SMS) takes it at once.
Zalo reports delivery as the OA webhook event user_received_message carrying msg_id (bot/zalo.py).
"""
from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from bot.zalo_tokens import ZaloTokens
from core.outbox.dispatch import SendResult, TemporaryError
from core.notify.channels import FallBack

logger = logging.getLogger(__name__)
TOKEN_ERRORS = frozenset({-124, -216, -220})  # ZNS "access token invalid"; the OA API's invalid / expired
UNKNOWN_ERROR = -100  # "Xảy ra lỗi không xác định, vui lòng thử lại sau"
RATE_ERRORS = frozenset({-32})  # too many requests in a short time
BALANCE_ERRORS = frozenset({-115})  # out of quota: the ZNS account's balance is spent until topped up
DAILY_QUOTA_ERRORS = frozenset({-144, -147})  # the OA's or the template's daily quota is used up
NIGHT_ERRORS = frozenset({-133})  # this kind of ZNS is not sent at night
RATE_WAIT, BALANCE_WAIT, NIGHT_END = 60.0, 3600.0, 6  # seconds, seconds, local hour
TRACKING_LIMIT = 48  # characters kept of the tracking id
ZALO_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


class ZnsSender:
    channel = "zns"

    def __init__(self, settings, tokens: ZaloTokens, http: requests.Session | None = None):
        self.settings = settings
        self.tokens = tokens
        self.http = http or tokens.http

    def _post(self, access_token: str, payload: dict) -> dict:
        url = self.settings.zalo_zns_base_url.rstrip("/") + "/message/template"
        try:
            response = self.http.post(url, headers={"access_token": access_token}, json=payload,
                                      timeout=self.settings.zalo_zns_timeout)
        except requests.RequestException as error:
            raise TemporaryError(f"zns: {type(error).__name__}") from error
        if response.status_code == 429 or response.status_code >= 500:
            raise TemporaryError(f"zns: HTTP {response.status_code}", _retry_after(response))
        try:
            body = response.json()
        except ValueError as error:
            raise TemporaryError(f"zns: HTTP {response.status_code}, unreadable answer") from error
        if not isinstance(body, dict) or "error" not in body:
            raise TemporaryError(f"zns: HTTP {response.status_code}, no error code")
        return body

    def send(self, message) -> SendResult:
        payload = wire_payload(message)
        token = self.tokens.access_token()
        body = self._post(token, payload)
        if error_code(body) in TOKEN_ERRORS:
            logger.info("zns refused the access token (%s); renewing", error_code(body))
            body = self._post(self.tokens.refresh(stale=token), payload)
        return result(body, self.tokens.clock.now())


def wire_payload(message) -> dict:
    """The request body for one outbox row; a row without a template falls back at once."""
    try:
        template = json.loads(message.template_data or "")
    except ValueError:
        template = None
    if not isinstance(template, dict) or not template.get("template_id"):
        raise FallBack("zns: the message has no template")
    key = message.idempotency_key
    tracking = key if len(key) <= TRACKING_LIMIT else "h" + hashlib.sha256(key.encode()).hexdigest()[:40]
    return {"phone": message.address.lstrip("+"), "template_id": str(template["template_id"]),
            "template_data": template.get("template_data") or {}, "tracking_id": tracking}


def error_code(body: dict) -> int:
    try:
        return int(body.get("error", -1))
    except (TypeError, ValueError):
        return -1


def _retry_after(response: requests.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def seconds_until(now: datetime, hour: int) -> float:
    """Seconds from `now` until the next `hour`:00 in Vietnam."""
    local = now.astimezone(ZALO_TIME)
    target = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if target <= local:
        target += timedelta(days=1)
    return (target - local).total_seconds()


def result(body: dict, now: datetime) -> SendResult:
    """Zalo's answer as a SendResult, or the error the dispatcher acts on."""
    code = error_code(body)
    detail = f"zns error {code}: {str(body.get('message', ''))[:200]}"
    if code == 0:
        data = body.get("data") or {}
        return SendResult(provider_id=str(data.get("msg_id") or "") or None, status="sent")
    if code in TOKEN_ERRORS or code == UNKNOWN_ERROR:
        raise TemporaryError(detail)
    if code in RATE_ERRORS:
        raise TemporaryError(detail, RATE_WAIT)
    if code in BALANCE_ERRORS:
        raise TemporaryError(detail, BALANCE_WAIT)
    if code in DAILY_QUOTA_ERRORS:
        raise TemporaryError(detail, seconds_until(now, 0))
    if code in NIGHT_ERRORS:
        raise TemporaryError(detail, seconds_until(now, NIGHT_END))
    raise FallBack(detail)
