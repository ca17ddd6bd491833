"""The fields an officer may write in a broadcast ("Kính gửi {ho_ten}, tiền tháng {ky} …"),
checked when the broadcast is written and filled per beneficiary when it is sent.

Field names are Vietnamese in ASCII because officers type them: ho_ten (full name), so_tien
(amount), ky (period), ngay_chi_tra (payment or cash day), dia_diem (cash payment place).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from core.officers.accounts import N_, OfficerError

logger = logging.getLogger(__name__)

FIELDS = ("ho_ten", "so_tien", "ky", "ngay_chi_tra", "dia_diem")
_FIELD = re.compile(r"\{([^{}]*)\}")
MAX_TEXT = 1000


class BroadcastError(OfficerError):
    """A broadcast refused (bad text, audience out of scope, approval not allowed)."""


def template_fields(text: str) -> list[str]:
    return _FIELD.findall(text or "")


def check_template(text: str) -> str:
    """The text, stripped, when every {field} is known and braces pair up."""
    text = (text or "").strip()
    if not text:
        raise BroadcastError(N_("Write the message text."))
    if len(text) > MAX_TEXT:
        raise BroadcastError(N_("The message is too long: at most %(count)s characters."), count=MAX_TEXT)
    known = ", ".join(f"{{{name}}}" for name in FIELDS)
    for name in template_fields(text):
        if name.strip() not in FIELDS:
            raise BroadcastError(N_("Unknown field {%(field)s}. You may use: %(fields)s."), field=name,
                                 fields=known)
    if "{" in _FIELD.sub("", text) or "}" in _FIELD.sub("", text):
        raise BroadcastError(
            N_("A brace is not closed. Write fields like {ho_ten}; you may use: %(fields)s."), fields=known
        )
    return text


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace each {field} with its value (an empty string when the value is unknown)."""
    return _FIELD.sub(lambda match: str(values.get(match.group(1).strip()) or ""), text)


def split_template(text: str) -> list[str]:
    """The text cut at its fields: constant pieces at even places, field names at odd ones."""
    parts = _FIELD.split(text)
    return [part if index % 2 == 0 else part.strip() for index, part in enumerate(parts)]


def fill_pieces(parts: list[str], values: Mapping[str, str]) -> list[str]:
    """fill() as a list of pieces (from split_template) whose join is the filled text."""
    return [part if index % 2 == 0 else str(values.get(part) or "") for index, part in enumerate(parts)]
