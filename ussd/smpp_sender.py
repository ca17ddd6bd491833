"""Outgoing SMS as submit_sm on the bind of `ansinh smpp` (ANSINH_SMS_PROVIDER=smpp).

Only the process that holds the bind can send on it, so `ansinh smpp` runs the outbox dispatcher
for the "sms" channel with this sender, and other processes leave SMS rows to it. Each SMS is
encoded by smpplib (GSM 03.38, or UCS-2 when a character has no septet; concatenated parts with a
UDH when long), sent with registered_delivery=1 so the SMSC sends a delivery receipt (handled by
ussd.smpp_gateway), from SMPP_SOURCE_ADDR: TON 5 (alphanumeric) for a brandname, else TON 0 /
NPI 1 for a short number. The first part's message_id is the outbox row's provider id.
A refused submit_sm: invalid destination (ESME_RINVDSTADR) never succeeds; anything else, a link
that is down, or no answer within SUBMIT_WAIT, is retried by the dispatcher later.
"""
from __future__ import annotations

import logging
from concurrent.futures import TimeoutError as FutureTimeout

from smpplib import consts

from core.outbox.dispatch import PermanentError, SendResult, TemporaryError
from ussd.smpp_link import SubmitRefused
from ussd.smpp_text import encode_sms
from ussd.sms_provider import SmsSender

logger = logging.getLogger(__name__)
SUBMIT_WAIT = 30.0
NEVER_DELIVERABLE = frozenset({consts.SMPP_ESME_RINVDSTADR, consts.SMPP_ESME_RINVDSTTON,
                               consts.SMPP_ESME_RINVDSTNPI})


def source_address(source: str) -> dict:
    alphanumeric = not source.lstrip("+").isdigit()
    return {"source_addr": source.lstrip("+"), "source_addr_ton": 5 if alphanumeric else 0,
            "source_addr_npi": 0 if alphanumeric else 1}


class SmppSender(SmsSender):
    provider = "smpp"

    def __init__(self, settings, link):
        super().__init__(settings)
        self.link = link

    def send_sms(self, to: str, body: str, *, key: str) -> SendResult:
        if not self.link.bound.is_set():
            raise TemporaryError("smpp link down")
        parts, coding, esm_class = encode_sms(body)
        international = to.startswith("+")
        fields = dict(source_address(self.settings.smpp_source_addr or ""), destination_addr=to.lstrip("+"),
                      dest_addr_ton=1 if international else 0, dest_addr_npi=1, esm_class=esm_class,
                      data_coding=coding, registered_delivery=1)
        results = [self.link.submit(short_message=part, **fields) for part in parts]
        try:
            ids = [result.result(timeout=SUBMIT_WAIT) for result in results]
        except FutureTimeout:
            for result in results:
                result.cancel()
            raise TemporaryError("smpp: no submit_sm_resp in time") from None
        except SubmitRefused as error:
            if error.status in NEVER_DELIVERABLE:
                raise PermanentError(f"smpp refused: {error}") from error
            raise TemporaryError(f"smpp refused: {error}") from error
        return SendResult(provider_id=ids[0] or None, status="sent")
