"""Signing in to the console, as a guesser meets it.

Failed attempts are counted twice (core.abuse): per client address, whatever the username, so one
address cannot try many names (`console_login`); and per username *and* address, so one address
cannot keep guessing one officer's password (`console_login_pair`). Nothing is counted per
username alone: then anyone could lock an officer out from anywhere, and the right password typed
at the office still works while a guesser's address is refused. Past a limit the password is not
even looked at. An unknown name counts, reads and costs the same as a wrong password.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from core.abuse import AbuseGuard, Verdict
from core.models import Officer
from core.officers.accounts import LoginFailed, authenticate

ADDRESS_SCOPE, PAIR_SCOPE = "console_login", "console_login_pair"


class SignInLimited(Exception):
    """Too many failures from this address, or for this username from this address."""

    def __init__(self, verdicts: list[Verdict]):
        super().__init__("console sign-in limited")
        self.verdicts = verdicts
        self.retry_after = max(v.retry_after for v in verdicts)


def sign_in(session: Session, guard: AbuseGuard, username: str, password: str, address: str) -> Officer:
    """The officer; or SignInLimited before any check, or core.officers.accounts.LoginFailed (counted)."""
    keys = ((ADDRESS_SCOPE, f"ip:{address}"), (PAIR_SCOPE, f"user:{username}@{address}"))
    refused = [verdict for verdict in (guard.check(scope, key) for scope, key in keys) if not verdict.allowed]
    if refused:
        raise SignInLimited(refused)
    try:
        officer = authenticate(session, username, password)
    except LoginFailed:
        for scope, key in keys:  # only failures count: an office behind one address signs in freely
            guard.hit(scope, key)
        raise
    guard.clear(*keys[1])  # a few typing mistakes before the right password are forgotten
    return officer
