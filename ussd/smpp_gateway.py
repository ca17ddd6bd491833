"""USSD and SMS over SMPP: what `ansinh smpp` does with each deliver_sm, and its replies.

A deliver_sm is one of three things (SMPP 3.4; the TLVs in ussd.smpp_tlvs):
- with esm_class bit 2 set (0x04, "SMSC delivery receipt"): a receipt for an SMS we sent; its
  receipted_message_id (or the "id:" of its text) finds the outbox row, its message_state (or
  "stat:") updates it through core.outbox.writes.record_receipt, as Twilio's status callback does.
- with ussd_service_op: a USSD step. 1 PSSR indication is a dial-in (short_message holds the code
  dialled, "*123#"), 18 USSR confirm is the caller's answer. its_session_info's session number
  (else one session per phone, the SMSC's own) keys the menu position in the state store
  (database or Redis; core.conversation.dialog.Dialog.answer with ussd_menu.latest_inbound), so any
  `ansinh smpp` process can
  take the next step. The reply is one submit_sm back to the caller, service_type "USSD", from
  the code dialled, with ussd_service_op 2 USSR request (the menu continues) or 17 PSSR response
  (it ends), its_session_info echoing the session number with the next sequence number and the
  end bit, at most settings.ussd_max_chars characters. A step the SMSC delivers again (same
  session and sequence number) gets the same reply without moving the menu on.
- otherwise an SMS, answered through core.conversation.dialog like Twilio's (opt-out, limits, registration);
  the answers are queued in the outbox, in the turn's transaction, and go out as submit_sm. SMPP
  3.4 gives an MO SMS no message id, so a redelivery (the SMSC sends again what was not
  acknowledged, e.g. when the link dropped) is recognised by its fingerprint (sender, recipient,
  text, user_message_reference) for REDELIVERY_SECONDS.
The deliver_sm_resp is ESME_ROK once the effect is stored; when the database is unavailable it
is ESME_RX_T_APPN, so the SMSC delivers the message again later and nothing is lost.
"""
from __future__ import annotations

import hashlib
import logging
import uuid

from smpplib import consts

from core.conversation.dialog import queue_replies
from core.storage.db import database_unavailable, transaction
from core.conversation.inbound_reply import Inbound, Reply
from core.outbox.writes import record_receipt
from core.conversation.render import fit_chars, ussd_limit
from core.vietnamese_text import to_ascii
from ussd.smpp_text import address, encode_one, message_text, receipt
from ussd.smpp_tlvs import (
    PSSR_INDICATION,
    PSSR_RESPONSE,
    USSR_CONFIRM,
    USSR_REQUEST,
    session_info,
    split_session_info,
)
from core.presenters.ussd_menu import latest_inbound
from ussd.ussd import apology, caller_phone

logger = logging.getLogger(__name__)
PROVIDER = "smpp"
RECEIPT_FLAG = 0x04  # esm_class: SMSC delivery receipt
REDELIVERY_SECONDS = 900
# a USSD step's reply is kept this long for a redelivery (core.presenters.ussd_menu.SESSION_TTL)
STEP_SECONDS = 180
MAX_SMS = 1600


class SmppGateway:
    def __init__(self, runtime, submit):
        """`submit(urgent=…, **submit_sm fields)`: ussd.smpp_link.SmppLink.submit."""
        self.runtime = runtime
        self.settings = runtime.settings
        self.submit = submit

    def on_deliver(self, pdu) -> int:
        """Handle one deliver_sm; the status for its deliver_sm_resp."""
        try:
            if (pdu.esm_class or 0) & RECEIPT_FLAG:
                self._receipt(pdu)
            elif getattr(pdu, "ussd_service_op", None) is not None:
                self._ussd_step(pdu)
            else:
                self._sms(pdu)
        except Exception as error:
            if not database_unavailable(error):
                raise
            logger.warning("SMPP deliver_sm left for later: database unavailable (%s)", type(error).__name__)
            return consts.SMPP_ESME_RX_T_APPN
        return consts.SMPP_ESME_ROK

    # -- delivery receipts ----------------------------------------------------------------------
    def _receipt(self, pdu) -> None:
        found = receipt(pdu)
        if found is None:
            logger.info("SMPP receipt without a readable id or state; ignored")
            return
        message_id, state = found
        with transaction(self.runtime.sessions) as session:
            message = record_receipt(session, message_id, state, error=f"smpp {state}",
                                     at=self.runtime.clock.now())
        logger.info("SMPP receipt %s %s for outbox %s", message_id, state, message.id if message else "?")

    # -- USSD -----------------------------------------------------------------------------------
    def _ussd_step(self, pdu) -> None:
        operation = pdu.ussd_service_op
        phone = caller_phone(address(pdu.source_addr))
        if operation not in (PSSR_INDICATION, USSR_CONFIRM) or not phone:
            logger.info("SMPP USSD operation %s ignored", operation)
            return
        raw_info = getattr(pdu, "its_session_info", None)
        number, sequence, ended = split_session_info(raw_info) if raw_info is not None else (None, 0, False)
        if ended:  # the caller (or the network) closed the session: nothing to answer
            return
        session_id = f"smpp:{phone}:{number if number is not None else '-'}"
        dial_in = operation == PSSR_INDICATION
        step_key = self._step_key(session_id, sequence, dial_in) if raw_info is not None else None
        kept = self._kept(step_key) if step_key and not dial_in else None
        if kept is not None:
            reply = Reply(kept["text"], end_session=bool(kept["end"]))
            logger.info("SMPP USSD step delivered again: same reply, the menu stays")
        else:
            reply = self._menu_reply(session_id, phone, message_text(pdu), dial_in)
            if step_key:
                self._keep(step_key, {"text": reply.text, "end": reply.end_session})
        self._send_ussd(pdu, reply, number, sequence)

    def _step_key(self, session_id: str, sequence: int, dial_in: bool) -> str | None:
        """Where a step's reply is kept: per dial-in, since session numbers come round again."""
        dial_key = f"smpp:ussd-dial:{session_id}"
        dialled = {"n": uuid.uuid4().hex[:12]} if dial_in else self._kept(dial_key)
        if dial_in and not self._keep(dial_key, dialled):
            return None
        return f"smpp:ussd-step:{session_id}:{(dialled or {}).get('n', '-')}:{sequence}"

    def _kept(self, key: str) -> dict | None:
        try:
            return self.runtime.state.get(key)
        except Exception:  # noqa: BLE001 - the caller is waiting: answer without the redelivery check
            logger.warning("SMPP USSD: state store unavailable; step not checked for redelivery")
            return None

    def _keep(self, key: str, value: dict) -> bool:
        try:
            self.runtime.state.set(key, value, STEP_SECONDS)
        except Exception:  # noqa: BLE001 - as above: the reply matters more than the bookkeeping
            logger.warning("SMPP USSD: state store unavailable; step not kept")
            return False
        return True

    def _menu_reply(self, session_id: str, phone: str, text: str, dial_in: bool) -> Reply:
        try:
            inbound = latest_inbound(session_id, phone, text.strip(), dial_in=dial_in)
            return self.runtime.dialog.answer(inbound, raise_unavailable=True).replies[0]
        except Exception as error:  # a caller on a basic phone gets an apology, never silence
            if database_unavailable(error):
                logger.warning("SMPP USSD answered with an apology: database unavailable")
            else:
                logger.exception("SMPP USSD step failed")
            return apology(self.settings)

    def _send_ussd(self, pdu, reply: Reply, number: int | None, sequence: int) -> None:
        text = reply.text if self.settings.ussd_unicode else to_ascii(reply.text)
        octets, coding = encode_one(fit_chars(text, ussd_limit(self.settings)), self.settings.ussd_unicode)
        fields = {"service_type": "USSD", "source_addr": address(pdu.destination_addr),
                  "source_addr_ton": pdu.dest_addr_ton or 0, "source_addr_npi": pdu.dest_addr_npi or 0,
                  "destination_addr": address(pdu.source_addr), "dest_addr_ton": pdu.source_addr_ton or 0,
                  "dest_addr_npi": pdu.source_addr_npi or 0, "data_coding": coding, "short_message": octets,
                  "ussd_service_op": PSSR_RESPONSE if reply.end_session else USSR_REQUEST}
        if number is not None:
            fields["its_session_info"] = session_info(number, sequence + 1, reply.end_session)
        self.submit(urgent=True, **fields)

    # -- SMS ------------------------------------------------------------------------------------
    def _sms(self, pdu) -> None:
        sender, recipient = caller_phone(address(pdu.source_addr)), address(pdu.destination_addr)
        text = message_text(pdu)[:MAX_SMS]
        if not sender:
            logger.info("SMPP SMS without a sender address; ignored")
            return
        fingerprint = _fingerprint(sender, recipient, text, getattr(pdu, "user_message_reference", None))
        seen_key = f"smpp:mo:{fingerprint}"
        state = self.runtime.state
        if state.get(seen_key) is not None:
            logger.info("SMPP SMS delivered again; answered once")
            return
        # No message id for the dialog's dedupe: a fingerprint is kept for REDELIVERY_SECONDS only.
        inbound = Inbound(channel="sms", sender=sender, text=text, session_id=None,
                          provider_meta={"provider": PROVIDER, "to": recipient})
        outbox_key = f"{PROVIDER}:{fingerprint}"
        result = self.runtime.dialog.answer(inbound, raise_unavailable=True, outbox_key=outbox_key)
        if not result.committed:  # the turn failed for another reason and answered its apology: send that
            with transaction(self.runtime.sessions) as session:
                queue_replies(session, inbound, result.replies, outbox_key)
        state.set(seen_key, {"answered": True}, REDELIVERY_SECONDS)


def _fingerprint(sender: str, recipient: str, text: str, reference) -> str:
    raw = "\x1f".join((sender, recipient, text, str(reference)))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]
