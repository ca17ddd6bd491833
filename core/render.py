"""Render a reply within its channel's limits: SMS in GSM-7 (no diacritics) unless UCS-2 is
configured, at most N segments; USSD screens in ASCII, at most 182 characters; chat unchanged."""
from __future__ import annotations

from core.text import sms_size, to_ascii, to_gsm7

ELLIPSIS = "..."


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


def paginate(text: str, limit: int, footer: str) -> list[str]:
    """Split a long text into screens of at most `limit` characters, each but the last ending in
    `footer` (e.g. "9 Tiep 0 Lui"). Splits at line breaks, then at spaces."""
    pages: list[str] = []
    room = limit - len(footer) - 1
    remaining = text.strip()
    while len(remaining) > limit:
        cut = remaining.rfind("\n", 0, room)
        if cut <= room // 3:
            cut = remaining.rfind(" ", 0, room)
        if cut <= 0:
            cut = room
        pages.append(remaining[:cut].rstrip() + "\n" + footer)
        remaining = remaining[cut:].strip()
    pages.append(remaining)
    return pages
