"""Keyed hashes for identifiers AnSinh must recognise but never keep in clear: national ID
numbers (CCCD/CMND) and bank or e-wallet account numbers.

`hash_identifier(value)` is HMAC-SHA256 over the identifier's digits and letters (separators
dropped, upper case) keyed by ANSINH_IDENTIFIER_KEY. A 12-digit ID has few enough values to be
recovered from its hash by trying them all, so the key must be a secret: outside the demo the
commands that hash refuse to start without it (`ansinh.cli_support.require_identifier_key`). The
demo and the tests use the public constant `IDENTIFIER_KEY`, so their hashes protect nothing.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Callable

IDENTIFIER_KEY = b"ansinh/identifier/v1"
_NOISE = re.compile(r"[^0-9A-Za-z]")


def normalize_identifier(value: str) -> str:
    """'0790 4100-1234' -> '079041001234'."""
    return _NOISE.sub("", str(value)).upper()


def identifier_key() -> bytes:
    """ANSINH_IDENTIFIER_KEY in production; the public constant only for the demo and tests."""
    configured = os.environ.get("ANSINH_IDENTIFIER_KEY")
    return configured.encode("utf-8") if configured else IDENTIFIER_KEY


def identifier_key_is_secret() -> bool:
    """Whether a key of one's own is set (the public constant typed in does not count)."""
    return identifier_key() != IDENTIFIER_KEY


def hash_identifier(value: str, key: bytes | None = None) -> str:
    """64 hex characters; the same identifier typed with spaces or dots gives the same hash."""
    return identifier_hasher(key)(value)


def identifier_hasher(key: bytes | None = None) -> Callable[[str], str]:
    """`hash_identifier` with the key set up once: each hash then copies the keyed state instead
    of keying HMAC again (half the time; an import hashes millions of numbers)."""
    keyed = hmac.new(key or identifier_key(), digestmod=hashlib.sha256)

    def hashed(value: str) -> str:
        state = keyed.copy()
        state.update(normalize_identifier(value).encode("ascii", "ignore"))
        return state.hexdigest()

    return hashed
