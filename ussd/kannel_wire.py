"""Reading Kannel's get-url and dlr-url requests: parameters as bytes, texts as one string.

smsbox fills the get-url's escapes with the message as the SMSC gave it: a GSM-7 text arrives as
UTF-8 (%c = 0, %C = UTF-8), a UCS-2 one as its raw UTF-16BE octets (%c = 2, %C = UTF-16BE), an
8-bit one as its octets (%c = 1). Flask would decode every parameter as UTF-8 and turn UTF-16
into replacement characters, so the parameters are read as bytes here and the text decoded with
the charset Kannel names. The result is NFC, so "à" typed as one character or as "a" + a combining
accent is the same string whichever phone or SMSC sent it.
"""
from __future__ import annotations

import codecs
import unicodedata
from urllib.parse import parse_qsl

MAX_TEXT = 1600  # octets: ten concatenated parts; anything longer is not an SMS
UCS2_CODING = "2"
UTF16_NAMES = ("utf-16be", "utf-16", "ucs-2", "ucs2", "utf16-be", "utf16be")


def raw_params(query_string: bytes, body: bytes | None, content_type: str | None) -> dict[str, bytes]:
    """The query's parameters, then a form body's (a POST get-url or a proxy), each value as bytes."""
    params: dict[str, bytes] = {}
    sources = [query_string]
    if body and (content_type or "").split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        sources.append(body)
    for source in sources:
        for name, value in parse_qsl(source.decode("latin-1"), keep_blank_values=True, encoding="latin-1"):
            params[name] = value.encode("latin-1")
    return params


def text_value(params: dict[str, bytes], name: str) -> str:
    """An ASCII-ish parameter (a phone number, an id, a status): UTF-8, bad octets replaced."""
    return params.get(name, b"").decode("utf-8", "replace").strip()


def _codec(charset: str) -> str | None:
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def decode_text(octets: bytes, coding: str = "", charset: str = "") -> str:
    """The message's text, whatever coding the SMSC used."""
    octets = octets[:MAX_TEXT]
    wanted = charset.strip().lower()
    if coding.strip() == UCS2_CODING or wanted in UTF16_NAMES:
        text = octets[: len(octets) - len(octets) % 2].decode("utf-16-be", "replace")
    else:
        codec = _codec(wanted) if wanted and wanted not in ("8-bit", "binary", "gsm") else None
        try:
            text = octets.decode(codec or "utf-8")
        except UnicodeDecodeError:
            text = octets.decode("cp1252" if codec in (None, "utf-8") else codec, "replace")
    return unicodedata.normalize("NFC", text)
