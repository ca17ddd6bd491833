"""Numbers that identify a person, as the console shows them (SECURITY.md, "What is stored").

A phone number is shown in full only to the commune officer of the person's unit; a national ID
is never repeated and an account number shows only its last 4 digits. Free text (a complaint, an
officer's answer, a message, a provider's note) can quote any of them, and a number in text cannot
be told apart from the others by its digits alone: every run of 9 or more digits (separators
allowed) becomes "…" and its last 4 digits, except a Vietnamese phone number when the reader may
see phones in full. Shorter numbers (amounts like 1.500.000, dates, periods) are left alone."""
from __future__ import annotations

import re

from core.phones import normalize_phone

SHORTEST = 9  # an old CMND has 9 digits, a CCCD 12, a phone 10, an account 9 to 19
_NUMBER = re.compile(r"(?<![\w+/])\+?\d(?:[ .]?\d){" + str(SHORTEST - 2) + r",}(?!\w)")


def mask_numbers_in_text(text: str | None, phones_in_full: bool = False) -> str:
    """The text with every long number masked ('…8246'); phones kept when `phones_in_full`."""
    def masked(match: re.Match) -> str:
        found = match.group(0)
        digits = re.sub(r"\D", "", found)
        if len(digits) < SHORTEST or (phones_in_full and normalize_phone(found) is not None):
            return found
        return "…" + digits[-4:]

    return _NUMBER.sub(masked, text or "")

