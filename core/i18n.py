"""Babel catalogs: every sentence a person reads comes from locales/{vi,en}/LC_MESSAGES.

Code writes English msgids through a `Translator` (`t._("…")`, `t.p_("ussd", "…")`); Vietnamese is
the default language. Money, numbers and dates are formatted by Babel for vi_VN.
"""
from __future__ import annotations

import io
import logging
import os
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

logger = logging.getLogger(__name__)
LOCALES_DIR = Path(os.environ.get("ANSINH_LOCALES_DIR", Path(__file__).resolve().parent.parent / "locales"))
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
_BABEL_LOCALE = {"vi": "vi_VN", "en": "en_US"}


def _catalog_translations(language: str, directory: Path) -> NullTranslations:
    """The compiled .mo when it is current, else the .po itself (so a fresh checkout still speaks)."""
    base = directory / language / "LC_MESSAGES"
    po, mo = base / "messages.po", base / "messages.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translations(handle)
    if po.is_file():
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return Translations(buffer)
    logger.warning("no catalog for %s in %s", language, directory)
    return NullTranslations()


def N_(msgid: str) -> str:
    """Marks a msgid for extraction (pybabel -k N_) where it is translated later, when shown."""
    return msgid


def NP_(context: str, msgid: str) -> str:
    """N_ with a context (pybabel -k NP_:1c,2), for `t.p_(context, msgid)` with a variable msgid."""
    return msgid


def N_also_ussd(msgid: str) -> str:
    """Marks a sentence for the catalogs twice, as the full text and as its short USSD variant
    (context "ussd"), so that it is written once; `t._(msgid)` and `t.p_("ussd", msgid)` read them."""
    return msgid


def extract_python(fileobj, keywords, comment_tags, options):  # Babel's signature
    """Babel's Python extraction, reading `N_also_ussd("…")` as its two entries (babel.cfg, tests)."""
    from babel.messages.extract import extract_python as extract_plain

    for lineno, funcname, message, comments in extract_plain(fileobj, [*keywords, "N_also_ussd"],
                                                             comment_tags, options):
        if funcname == "N_also_ussd":
            yield lineno, "_", message, comments
            yield lineno, "p_", ("ussd", message), comments
        else:
            yield lineno, funcname, message, comments


@lru_cache(maxsize=8)
def _load(language: str, directory: str) -> NullTranslations:
    return _catalog_translations(language, Path(directory))


def clear_cache() -> None:
    _load.cache_clear()
    translator.cache_clear()


class Translator:
    """Translates and formats for one language."""

    def __init__(self, language: str = DEFAULT_LANGUAGE, directory: Path | None = None):
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self._translations = _load(self.language, str(directory or LOCALES_DIR))
        self._locale = Locale.parse(_BABEL_LOCALE[self.language])

    def _(self, msgid: str, **values) -> str:
        text = self._translations.gettext(msgid)
        return text % values if values else text

    def p_(self, context: str, msgid: str, **values) -> str:
        text = self._translations.pgettext(context, msgid)
        if text == msgid:  # no channel variant: fall back to the general sentence
            text = self._translations.gettext(msgid)
        return text % values if values else text

    def money(self, amount: float | None) -> str:
        """750000 -> '750.000đ' (vi) or '750,000 VND' (en)."""
        if amount is None:
            return "?"
        number = _decimal(int(amount), self.language)
        return f"{number}đ" if self.language == "vi" else f"{number} VND"

    def number(self, value) -> str:
        return _decimal(value, self.language)

    def date(self, value: date | None) -> str:
        return _date(value, self.language) if value else "?"

    def period(self, period: str) -> str:
        """'2026-11' -> '11/2026'."""
        year, month = period.split("-")
        return f"{int(month)}/{year}"


# Babel reads its number and date patterns on every call; a turn formats the same few amounts and
# days again and again, so each formatted value is kept (a pure function of value and language).
@lru_cache(maxsize=4096)
def _decimal(value, language: str) -> str:
    return format_decimal(value, locale=_BABEL_LOCALE[language])


@lru_cache(maxsize=4096)
def _date(value: date, language: str) -> str:
    return format_date(value, "dd/MM/yyyy", locale=_BABEL_LOCALE[language])


@lru_cache(maxsize=4)
def translator(language: str = DEFAULT_LANGUAGE) -> Translator:
    """A shared Translator per language (it holds no per-request state): no Locale parsed per request."""
    return Translator(language)
