"""Render a reply within its channel's limits: SMS in GSM-7 (no diacritics) unless UCS-2 is
configured, at most N segments; USSD screens in ASCII, at most 182 characters; chat unchanged."""
from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from core.vietnamese_text import is_gsm7, sms_size, to_ascii, to_gsm7

ELLIPSIS = "..."
MAX_PIECES = 200_000  # pieces a ManyRenderer remembers (a province's names and their words)
LONGEST_KEPT = 64  # longer phrases (whole notifications) are not kept, only their words
_PLAIN = re.compile(r"[A-Za-z0-9 .,:;!?'\"()+\-/%&*#=<>@$_\n]*")


def fit_sms(text: str, max_segments: int = 3) -> str:
    """Cut at a word boundary so the message costs at most `max_segments` segments."""
    if sms_size(text).segments <= max_segments:
        return text
    low, high = 0, len(text)
    while low < high:  # longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if sms_size(text[:middle].rstrip() + ELLIPSIS).segments <= max_segments:
            low = middle
        else:
            high = middle - 1
    cut = text[:low]
    if " " in cut[-20:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:") + ELLIPSIS


def fit_chars(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    if " " in cut[-20:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:") + ELLIPSIS


def ussd_limit(settings) -> int:
    """Unicode USSD screens hold fewer characters (UCS-2: 182 septets ≈ 80 characters)."""
    return 80 if settings.ussd_unicode else settings.ussd_max_chars


def render_for_channel(text: str, channel: str, settings) -> str:
    if channel == "sms":
        if settings.sms_encoding != "ucs2":
            text = to_gsm7(text)
        return fit_sms(text, settings.sms_max_segments)
    if channel == "ussd":
        if not settings.ussd_unicode:
            text = to_ascii(text)
        return fit_chars(text, ussd_limit(settings))
    return text


class ManyRenderer:
    """render_for_channel for many texts made of few distinct pieces (a broadcast: one template,
    names, amounts, dates). Each piece is folded to GSM-7 and sized once; a recipient's text is
    then a join and a sum, and only a text over the segment limit is cut. The result equals
    render_for_channel("".join(pieces), channel, settings)."""

    def __init__(self, channel: str, settings):
        self.channel, self.settings = channel, settings
        self._fold = channel == "sms" and settings.sms_encoding != "ucs2"
        self._pieces: dict[str, tuple[str, bool, int, int]] = {}

    def _piece(self, piece: str) -> tuple[str, bool, int, int]:
        """(rendered piece, is GSM-7, GSM-7 septets, UTF-16 units)."""
        known = self._pieces.get(piece)
        if known is None:
            words = piece.split(" ")
            if _PLAIN.fullmatch(piece):  # digits, ASCII letters, punctuation: already GSM-7, one septet each
                known = (piece, True, len(piece), len(piece))
            elif len(words) > 1:  # names share their words: fold "Nguyễn" once, not every name
                parts = [self._piece(word) for word in words]
                spaces = len(words) - 1
                known = (" ".join(part[0] for part in parts), all(part[1] for part in parts),
                         sum(part[2] for part in parts) + spaces, sum(part[3] for part in parts) + spaces)
            else:
                shown = to_gsm7(piece) if self._fold else piece
                gsm = is_gsm7(shown)
                known = (shown, gsm, sms_size(shown).characters if gsm else 0,
                         len(shown.encode("utf-16-le")) // 2)
            if len(self._pieces) < MAX_PIECES and (len(piece) <= LONGEST_KEPT or len(words) == 1):
                self._pieces[piece] = known
        return known

    def measure(self, pieces: Sequence[str]) -> tuple[str, int]:
        """(the joined text folded for SMS, the segments it costs) before any cut."""
        if not _joins_cleanly(pieces):
            text = "".join(pieces)
            text = to_gsm7(text) if self._fold else text
            return text, sms_size(text).segments
        parts = [self._piece(piece) for piece in pieces]
        text = "".join(part[0] for part in parts)
        if all(part[1] for part in parts):
            units, single, per_part = sum(part[2] for part in parts), 160, 153
        else:
            units, single, per_part = sum(part[3] for part in parts), 70, 67
        return text, 1 if units <= single else -(-units // per_part)

    def render(self, pieces: Sequence[str]) -> str:
        if self.channel != "sms":
            return render_for_channel("".join(pieces), self.channel, self.settings)
        text, segments = self.measure(pieces)
        if segments <= self.settings.sms_max_segments:
            return text
        return fit_sms(text, self.settings.sms_max_segments)


def _joins_cleanly(pieces: Sequence[str]) -> bool:
    """Folding piece by piece equals folding the whole when no two non-ASCII characters meet at
    a seam (Unicode composition only joins a base letter with what follows it)."""
    pieces = [piece for piece in pieces if piece]
    for left, right in pairwise(pieces):
        if left and right and not left[-1].isascii() and not right[0].isascii():
            return False
    return True
