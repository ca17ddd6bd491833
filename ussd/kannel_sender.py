"""Outgoing SMS through Kannel's sendsms interface (smsbox's HTTP side), with `requests`.

Wire protocol: GET {KANNEL_SENDSMS_URL}?username&password&from&to&text&charset=UTF-8 [&coding=2
for UCS-2, when ANSINH_SMS_ENCODING=ucs2] [&smsc=KANNEL_SMSC] &dlr-mask=27&dlr-url=…; smsbox
answers 202 "0: Accepted for delivery" (or "3: Queued for later delivery"), 4xx for a request it
will never take (403 a wrong user or password), 503 "Temporal failure, try again later".

Kannel gives no message id back, so the delivery report carries ours: the dlr-url names the outbox
row (`/sms/kannel/dlr?key=KANNEL_SECRET&outbox=<id>&status=%d`, Kannel fills %d), and the row's
provider id is "kannel:<id>". dlr-mask 27 = 1 delivered + 2 failed + 8 accepted by the SMSC + 16
rejected by the SMSC.
"""
from __future__ import annotations

import logging
from urllib.parse import urlencode

import requests

from core.outbox.dispatch import PermanentError, SendResult, TemporaryError
from core.models import OutboxMessage
from core.conversation.render import render_for_channel
from ussd.sms_provider import SmsSender

logger = logging.getLogger(__name__)
DLR_MASK = 1 | 2 | 8 | 16
PROVIDER_ID = "kannel:%d"  # + outbox id


def provider_id_of(outbox_id: int) -> str:
    return PROVIDER_ID % outbox_id


class KannelSender(SmsSender):
    provider = "kannel"

    def __init__(self, settings, timeout: float = 10.0):
        super().__init__(settings)
        self.timeout = timeout
        self.http = requests.Session()

    def dlr_url(self, outbox_id: int) -> str:
        """Where smsbox brings the delivery report; %d stays for Kannel to fill in."""
        query = urlencode({"key": self.settings.kannel_secret or "", "outbox": outbox_id})
        return f"{self.settings.public_url.rstrip('/')}/sms/kannel/dlr?{query}&status=%d"

    def send(self, message: OutboxMessage) -> SendResult:
        body = render_for_channel(message.text, "sms", self.settings)
        return self.send_sms(message.address, body, key=message.idempotency_key, outbox_id=message.id)

    def params(self, to: str, body: str, outbox_id: int | None) -> dict[str, str]:
        s = self.settings
        params = {"username": s.kannel_username or "", "password": s.kannel_password or "",
                  "from": s.kannel_from or "", "to": to, "text": body, "charset": "UTF-8"}
        if (s.sms_encoding or "").lower() == "ucs2":
            params["coding"] = "2"
        if s.kannel_smsc:
            params["smsc"] = s.kannel_smsc
        if outbox_id is not None:
            params.update({"dlr-mask": str(DLR_MASK), "dlr-url": self.dlr_url(outbox_id)})
        return params

    def send_sms(self, to: str, body: str, *, key: str, outbox_id: int | None = None) -> SendResult:
        try:
            response = self.http.get(self.settings.kannel_sendsms_url,
                                     params=self.params(to, body, outbox_id),
                                     timeout=self.timeout)
        except (requests.Timeout, requests.ConnectionError) as error:
            raise TemporaryError(f"kannel unreachable: {type(error).__name__}") from error
        if 200 <= response.status_code < 300:
            return SendResult(provider_id=provider_id_of(outbox_id) if outbox_id is not None else None,
                              status="sent")
        summary = f"kannel sendsms {response.status_code}: {response.text.strip()}"[:300]
        if response.status_code >= 500 or response.status_code in (401, 403, 408, 429):
            raise TemporaryError(summary)  # outages, throttling, and credentials being fixed
        raise PermanentError(summary)
