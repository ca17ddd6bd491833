"""Console accounts: creation, argon2 password checks, ending sessions, and scope.

A commune officer acts on their own unit only; a province administrator on every unit of their
province (or on every unit, when the account names no province). Guessing is limited per address
and per (username, address) in core.officers.sign_in, not here: a lockout of the account itself would let
anyone lock an officer out. Every session cookie carries the account's session epoch; signing out,
a new password and disabling the account move it on, which ends every session the officer has.
"""
from __future__ import annotations

from core.i18n import N_  # the shared extraction marker

import logging
import re
from collections.abc import Iterable
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.i18n import translator
from core.models import Officer, Unit
from core.models.console import OFFICER_ROLES

logger = logging.getLogger(__name__)

MIN_PASSWORD = 8
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,59}")
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified when the username is unknown, so a wrong name costs as long as a wrong password.
    Made on first use: hashing takes Argon2's 64 MiB, which every process importing this module
    (web workers, dispatchers, each CLI command) used to allocate at start-up."""
    return _hasher.hash("not-a-real-password")


class OfficerError(Exception):
    """A refusal an officer reads: `str()` is Vietnamese from the catalogs."""

    def __init__(self, msgid: str, **values: object):
        self.msgid = msgid
        self.values = values
        super().__init__(translator("vi")._(msgid, **values))


class LoginFailed(OfficerError):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_officer(session: Session, username: str, password: str, role: str, unit_code: str | None = None,
                   full_name: str | None = None) -> Officer:
    """Validate and add an account (flushed, not committed)."""
    username = (username or "").strip().lower()
    if not _USERNAME.fullmatch(username):
        raise OfficerError(N_("A username is 2 to 60 letters, digits, dots, dashes or underscores, without "
                              "spaces."))
    if role not in OFFICER_ROLES:
        raise OfficerError(N_("The role must be commune or province."))
    _check_password(password)
    unit_code = (unit_code or "").strip() or None
    if role == "commune" and unit_code is None:
        raise OfficerError(N_("A commune officer needs the code of their commune or ward (--unit)."))
    if unit_code is not None:
        unit = session.get(Unit, unit_code)
        if unit is None:
            raise OfficerError(N_("There is no administrative unit with code %(code)s."), code=unit_code)
        if role == "commune" and unit.parent_code is None:
            raise OfficerError(N_("A commune officer's unit must be a commune or ward, not a province."))
        if role == "province" and unit.parent_code is not None:
            raise OfficerError(N_("A province administrator's unit must be a province."))
    if session.scalar(select(Officer.id).where(Officer.username == username)) is not None:
        raise OfficerError(N_("The username %(username)s is already taken."), username=username)
    officer = Officer(username=username, password_hash=hash_password(password), role=role,
                      unit_code=unit_code,
                      full_name=(full_name or "").strip() or None, active=True, session_epoch=0)
    session.add(officer)
    session.flush()
    logger.info("officer %s created (%s %s)", username, role, unit_code or "*")
    return officer


def find_officer(session: Session, username: str) -> Officer | None:
    return session.scalar(select(Officer).where(Officer.username == (username or "").strip().lower()))


def require_officer(session: Session, username: str) -> Officer:
    officer = find_officer(session, username)
    if officer is None or not officer.active:
        raise OfficerError(N_("There is no active officer account %(username)s."), username=username)
    return officer


def authenticate(session: Session, username: str, password: str) -> Officer:
    """The officer when the password is right; LoginFailed otherwise. An unknown or disabled name
    costs the same argon2 check and reads the same sentence as a wrong password, and a failure
    writes nothing, so neither the answer nor its timing tells which names exist."""
    officer = find_officer(session, username)
    if officer is None or not officer.active:
        _verify(_dummy_hash(), password)
        raise LoginFailed(N_("Wrong username or password."))
    if not _verify(officer.password_hash, password):
        raise LoginFailed(N_("Wrong username or password."))
    if _hasher.check_needs_rehash(officer.password_hash):
        officer.password_hash = hash_password(password)
    return officer


def check_password(officer: Officer, password: str) -> bool:
    return _verify(officer.password_hash, password)


def change_password(officer: Officer, password: str) -> None:
    """A new password ends every session of the account (the caller keeps the one in use, if any)."""
    _check_password(password)
    officer.password_hash = hash_password(password)
    end_sessions(officer)


def set_active(officer: Officer, active: bool) -> None:
    """Disabling ends every session at once; enabling again does not bring old cookies back."""
    officer.active = active
    end_sessions(officer)


def end_sessions(officer: Officer) -> None:
    """Every cookie signed with the old epoch is refused from the next request on."""
    officer.session_epoch = (officer.session_epoch or 0) + 1


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise OfficerError(N_("The password must have at least %(count)s characters."), count=MIN_PASSWORD)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# -- scope -------------------------------------------------------------------------------------
def actor_name(officer: Officer) -> str:
    """How the audit log names an officer."""
    return f"officer:{officer.username}"


def covers_all(officer: Officer) -> bool:
    return officer.role == "province" and officer.unit_code is None


def can_act_on(officer: Officer, unit_code: str | None, parent_code: str | None = None) -> bool:
    """Whether the officer may see and act on a unit (give `parent_code` to save a lookup)."""
    if unit_code is None:
        return covers_all(officer)
    if officer.role == "commune":
        return officer.unit_code == unit_code
    if officer.unit_code is None:
        return True
    return unit_code == officer.unit_code or parent_code == officer.unit_code


def scope_unit_codes(session: Session, officer: Officer) -> list[str] | None:
    """The commune-level units an officer acts on; None means every unit."""
    if officer.role == "commune":
        return [officer.unit_code]
    if officer.unit_code is None:
        return None
    return list(
        session.scalars(select(Unit.code).where(Unit.parent_code == officer.unit_code).order_by(Unit.code))
    )


def scope_units(session: Session, officer: Officer, only: Iterable[str] | None = None) -> list[Unit]:
    """Commune-level units in the officer's scope (optionally among `only`), by name."""
    query = select(Unit).where(Unit.parent_code.is_not(None))
    codes = scope_unit_codes(session, officer)
    if codes is not None:
        query = query.where(Unit.code.in_(codes))
    if only is not None:
        query = query.where(Unit.code.in_(list(only)))
    return list(session.scalars(query.order_by(Unit.name)))


def check_units(session: Session, officer: Officer, unit_codes: Iterable[str]) -> list[str]:
    """The codes, validated: each exists and lies within the officer's scope."""
    checked: list[str] = []
    for code in dict.fromkeys(c.strip() for c in unit_codes if c and c.strip()):
        unit = session.get(Unit, code)
        if unit is None:
            raise OfficerError(N_("There is no administrative unit with code %(code)s."), code=code)
        if not can_act_on(officer, unit.code, unit.parent_code):
            raise OfficerError(N_("You may only act on your own unit; %(name)s (%(code)s) is outside it."),
                               name=unit.name, code=unit.code)
        checked.append(code)
    return checked


# -- the demo province's console accounts (docs/DEMO.md) ------------------------------------------
DEMO_PASSWORD = "ansinh-demo"
# (username, role, unit, full name): two province administrators, so one can approve the other's
# province-wide broadcast; commune officers of a ward, a rural commune and the one cash-only commune.
DEMO_OFFICERS = (
    ("tinh.admin", "province", "46", "Trần Thị Thu Hà"),
    ("tinh.duyet", "province", "46", "Nguyễn Văn Minh"),
    ("canbo.thuanhoa", "commune", "19786", "Lê Thị Hoa"),
    ("canbo.phuvinh", "commune", "19945", "Phan Văn Lợi"),
    ("canbo.binhdien", "commune", "20035", "Hồ Thị Sen"),
)


def ensure_demo_officers(session: Session) -> list[tuple[str, str, str]]:
    """Create the demo accounts that are missing (password DEMO_PASSWORD); returns every demo
    account as (username, role, unit code) whether new or already there."""
    accounts = []
    for username, role, unit_code, full_name in DEMO_OFFICERS:
        unit = session.get(Unit, unit_code)
        if unit is None:
            continue
        if find_officer(session, username) is None:
            name = unit.officer_name if role == "commune" and unit.officer_name else full_name
            create_officer(session, username, DEMO_PASSWORD, role, unit_code, name)
        accounts.append((username, role, unit_code))
    return accounts
