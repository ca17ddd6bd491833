"""Text and addresses in SMPP PDUs: what data_coding says about short_message, both ways.

data_coding (SMPP 3.4, 5.2.19): 0 the SMSC's default alphabet (GSM 03.38, one septet per octet,
unpacked), 1 IA5/ASCII, 3 Latin-1, 8 UCS-2 (big-endian UTF-16). A long message may come in
message_payload instead of short_message. Outbound text is encoded by smpplib.gsm.make_parts:
GSM 03.38 when every character has a septet, else UCS-2, cut into concatenated parts with a UDH.
Delivery receipts carry the SMSC's message id in receipted_message_id and, in the text, the
de-facto format of SMPP 3.4 appendix B: "id:… sub:… dlvrd:… submit date:… done date:… stat:… err:…".
"""
from __future__ import annotations

import re

from smpplib import consts
from smpplib.gsm import GSM_CHARACTER_TABLE, make_parts

GSM_DEFAULT, IA5, LATIN1, UCS2 = 0x00, 0x01, 0x03, 0x08
_GSM_BASIC = GSM_CHARACTER_TABLE[:0x80]
_GSM_EXTENDED = {index - 0x80: char for index, char in enumerate(GSM_CHARACTER_TABLE)
                 if index >= 0x80 and char != "`"}  # "`" marks an unused code
_RECEIPT_FIELD = re.compile(r"(id|stat|err):(\S+)", re.IGNORECASE)
# Receipt states (appendix B) as core.outbox.writes.record_receipt knows them.
RECEIPT_STATES = {"DELIVRD": "delivered", "ACCEPTD": "accepted", "ENROUTE": "sent", "EXPIRED": "undelivered",
                  "UNDELIV": "undelivered", "DELETED": "canceled", "REJECTD": "rejected", "UNKNOWN": "sent"}
# message_state TLV values (5.3.2.35) by the same names.
MESSAGE_STATES = {1: "ENROUTE", 2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 6: "ACCEPTD",
                  7: "UNKNOWN", 8: "REJECTD"}


def _gsm_decode(data: bytes) -> str:
    chars, escaped = [], False
    for octet in data:
        if escaped:
            chars.append(_GSM_EXTENDED.get(octet, " "))
            escaped = False
        elif octet == 0x1B:
            escaped = True
        else:
            chars.append(_GSM_BASIC[octet & 0x7F])
    return "".join(chars)


def decode(data: bytes | None, data_coding: int | None) -> str:
    """The text of short_message (or message_payload) as the person typed it."""
    data = data or b""
    coding = (data_coding or 0) & 0xFF
    if coding == UCS2:
        return data.decode("utf-16-be", "replace")
    if coding == LATIN1:
        return data.decode("latin-1")
    if coding == IA5:
        return data.decode("ascii", "replace")
    if coding in (GSM_DEFAULT, 0xF0):
        return _gsm_decode(data)
    return data.decode("utf-8", "replace")  # 8-bit data some SMSCs use for UTF-8


def message_text(pdu) -> str:
    payload = pdu.short_message or getattr(pdu, "message_payload", None)
    return decode(payload, pdu.data_coding)


def address(raw) -> str:
    """An address field as text (smpplib gives bytes)."""
    return raw.decode("latin-1") if isinstance(raw, bytes) else (raw or "")


def encode_one(text: str, unicode: bool) -> tuple[bytes, int]:
    """One USSD screen: (octets, data_coding), UCS-2 when asked or when GSM 03.38 cannot hold it."""
    coding = consts.SMPP_ENCODING_ISO10646 if unicode else consts.SMPP_ENCODING_DEFAULT
    parts, coding, _esm_class = make_parts(text, encoding=coding, use_udhi=False)
    return b"".join(parts), coding


def encode_sms(text: str) -> tuple[list[bytes], int, int]:
    """An SMS as (parts, data_coding, esm_class): several parts carry a concatenation UDH."""
    return make_parts(text, encoding=consts.SMPP_ENCODING_DEFAULT, use_udhi=True)


def receipt(pdu) -> tuple[str, str] | None:
    """(SMSC message id, receipt state for core.outbox.writes) of a delivery receipt, None if unreadable."""
    fields = {key.lower(): value for key, value in _RECEIPT_FIELD.findall(message_text(pdu))}
    message_id = address(getattr(pdu, "receipted_message_id", None)) or fields.get("id", "")
    state = MESSAGE_STATES.get(getattr(pdu, "message_state", None) or 0) or fields.get("stat", "").upper()
    if not message_id or state not in RECEIPT_STATES:
        return None
    return message_id, RECEIPT_STATES[state]
