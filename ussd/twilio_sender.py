"""Outgoing SMS through Twilio's REST API (twilio SDK), with a replaceable base URL.

Wire protocol: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP basic auth
(AccountSid, AuthToken), form fields To, From (or MessagingServiceSid), Body, StatusCallback;
201 with a JSON message whose "sid" we keep as the provider id. Errors are JSON with a Twilio
`code`: 21211 invalid number, 21610 the person replied STOP, 21614 not a mobile, 429 rate limited.

settings.twilio_api_base_url replaces https://api.twilio.com (a local gateway or a test stand-in)
through a custom HTTP client, the way Twilio's docs suggest for proxies. The outbox idempotency
key travels in the StatusCallback URL (`?ik=`), so a receipt and a provider that dedupes can tell
a resend after a crash from a new message.
"""
from __future__ import annotations

import logging
import threading
from urllib.parse import quote, urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from core.outbox.dispatch import PermanentError, SendResult, TemporaryError
from ussd.sms_provider import SmsSender

logger = logging.getLogger(__name__)

OPT_OUT_CODES = {21610}  # "Attempt to send to unsubscribed recipient"
PERMANENT_CODES = {21211, 21408, 21612, 21614, 21617, 30003, 30005, 30006}  # bad or unreachable numbers
TWILIO_HOST_SUFFIX = "twilio.com"


class ReroutedHttpClient(TwilioHttpClient):
    """Sends requests meant for api.twilio.com to `base_url`; remembers each thread's last response
    (for Retry-After) since one sender serves several dispatcher threads."""

    def __init__(self, base_url: str, timeout: float = 10.0):
        super().__init__(timeout=timeout)
        base = urlsplit(base_url.rstrip("/"))
        self._scheme, self._netloc, self._prefix = base.scheme, base.netloc, base.path
        self._local = threading.local()

    def rewrite(self, url: str) -> str:
        parts = urlsplit(url)
        if not parts.netloc.endswith(TWILIO_HOST_SUFFIX):
            return url
        return urlunsplit((self._scheme, self._netloc, self._prefix + parts.path, parts.query,
                           parts.fragment))

    def request(self, method, url, *args, **kwargs):
        response = super().request(method, self.rewrite(url), *args, **kwargs)
        self._local.last = response
        return response

    @property
    def thread_last_response(self):
        return getattr(self._local, "last", None)


def _retry_after(response) -> float | None:
    headers = getattr(response, "headers", None) or {}
    try:
        return float(headers.get("Retry-After")) if headers.get("Retry-After") else None
    except (TypeError, ValueError):
        return None


class TwilioSender(SmsSender):
    provider = "twilio"

    def __init__(self, settings, client: Client | None = None, timeout: float = 10.0):
        super().__init__(settings)
        self.http_client = ReroutedHttpClient(settings.twilio_api_base_url, timeout=timeout)
        self.client = client or Client(settings.twilio_account_sid, settings.twilio_auth_token,
                                       http_client=self.http_client)

    def status_callback(self, key: str) -> str:
        return f"{self.settings.public_url.rstrip('/')}/sms/twilio/status?ik={quote(key, safe='')}"

    def send_sms(self, to: str, body: str, *, key: str) -> SendResult:
        sender = self.settings.twilio_from or ""
        origin = {"messaging_service_sid": sender} if sender.startswith("MG") else {"from_": sender}
        try:
            message = self.client.messages.create(to=to, body=body,
                                                  status_callback=self.status_callback(key), **origin)
        except TwilioRestException as error:
            raise self._classify(error) from error
        except (requests.Timeout, requests.ConnectionError) as error:
            raise TemporaryError(f"twilio unreachable: {type(error).__name__}") from error
        return SendResult(provider_id=message.sid, status="sent")

    def _classify(self, error: TwilioRestException) -> Exception:
        summary = f"twilio {error.status} code {error.code}: {error.msg}"[:300]
        if error.status == 429:
            return TemporaryError(summary, retry_after=_retry_after(self.http_client.thread_last_response))
        if error.status >= 500 or error.status in (401, 403, 408):  # outages and credentials being fixed
            return TemporaryError(summary)
        if error.code in OPT_OUT_CODES:
            return PermanentError(summary, opt_out=True)
        if error.code in PERMANENT_CODES or 400 <= error.status < 500:
            return PermanentError(summary)
        return TemporaryError(summary)
