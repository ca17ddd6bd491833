"""The two USSD optional parameters (TLVs) of SMPP 3.4, registered in smpplib's own tables.

SMPP 3.4 (section 5.3.2.44 and 5.3.2.47) lets both submit_sm and deliver_sm carry:
- ussd_service_op, tag 0x0501, 1 octet: 0 PSSD indication, 1 PSSR indication (a dial-in),
  2 USSR request (the menu continues), 3 USSN request, 16 PSSD response, 17 PSSR response (the
  session ends), 18 USSR confirm (the caller's answer), 19 USSN confirm.
- its_session_info, tag 0x1383, 2 octets: the first is the session number, the second holds the
  dialogue unit's sequence number in its upper 7 bits and, in bit 0, "end of session".

smpplib 2.2.4 knows both tags (consts.OPTIONAL_PARAMS) and lists both in SubmitSM's parameter
table, but not ussd_service_op in DeliverSM's: parsing a deliver_sm that carries it raises
KeyError('ussd_service_op'). A Command subclass reads and writes exactly the fields named in its
class attributes `params` (name -> Param) and `params_order`, so `register_ussd_tlvs()` adds the
missing entries there, once, before any PDU is built or parsed; nothing else of the library is
replaced. Call it from every module that parses or builds PDUs (the adapter and the test SMSC do).
"""
from __future__ import annotations

from smpplib import command, consts

USSD_SERVICE_OP, ITS_SESSION_INFO = "ussd_service_op", "its_session_info"
TLV_TAGS = {USSD_SERVICE_OP: 0x0501, ITS_SESSION_INFO: 0x1383}
TLV_PARAMS = {USSD_SERVICE_OP: command.Param(type=int, size=1),
              ITS_SESSION_INFO: command.Param(type=int, size=2)}

PSSD_INDICATION, PSSR_INDICATION, USSR_REQUEST, USSN_REQUEST = 0, 1, 2, 3
PSSD_RESPONSE, PSSR_RESPONSE, USSR_CONFIRM, USSN_CONFIRM = 16, 17, 18, 19


def register_ussd_tlvs() -> None:
    """Make submit_sm and deliver_sm read and write both USSD TLVs (idempotent)."""
    for name, tag in TLV_TAGS.items():
        if consts.OPTIONAL_PARAMS.get(name) != tag:
            consts.OPTIONAL_PARAMS[name] = tag
    for pdu_class in (command.SubmitSM, command.DeliverSM):
        params = dict(pdu_class.params)  # DeliverSM's own table, not SubmitSM's it would inherit
        order = list(pdu_class.params_order)
        for name, param in TLV_PARAMS.items():
            params.setdefault(name, param)
            if name not in order:
                order.append(name)
        pdu_class.params, pdu_class.params_order = params, tuple(order)


def session_info(session_number: int, sequence: int, end: bool) -> int:
    """The its_session_info value of one dialogue unit."""
    return ((session_number & 0xFF) << 8) | ((sequence & 0x7F) << 1) | int(end)


def split_session_info(value: int) -> tuple[int, int, bool]:
    """(session number, dialogue sequence number, end of session) of an its_session_info value."""
    return (value >> 8) & 0xFF, (value >> 1) & 0x7F, bool(value & 1)


register_ussd_tlvs()
