"""What the browser tests check on every page: that the Content-Security-Policy blocked nothing
and no script failed (read from Chromium's console), and that no English sentence of the catalogs
reached a Vietnamese page."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parents[2] / "locales"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")
ENGLISH_MARKERS = ("[one-time code sent", "[erased", "Failed to fetch", "Unexpected token")


def watch_console(page) -> list[str]:
    """A list that fills with every CSP report, script error and uncaught exception of `page`."""
    problems: list[str] = []

    def on_console(message) -> None:
        if message.text.startswith("Failed to load resource: the server responded with a status of"):
            return  # an HTTP status (a 401 sign-in page, the icon nobody serves): the tests check those
        if message.type == "error" or "Content Security Policy" in message.text:
            problems.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    return problems


@lru_cache(maxsize=1)
def _english_phrases() -> tuple[str, ...]:
    """Pieces of the English catalog long enough (three words or more) to be a sentence of ours,
    cut at placeholders."""
    with (LOCALES / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    phrases = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        texts = (*ids, *strings)  # msgids are English too, and an empty msgstr falls back to one
        for text in texts:
            for piece in PLACEHOLDER.split(text or ""):
                piece = piece.strip(" .,:;·()")
                if len(re.findall(r"[A-Za-z]+", piece)) >= 3:
                    phrases.add(piece)
    return tuple(sorted(phrases))


def english_in(text: str) -> list[str]:
    """English catalog phrases (and the raw markers that were English) found in `text`."""
    return [phrase for phrase in (*ENGLISH_MARKERS, *_english_phrases()) if phrase in text]
