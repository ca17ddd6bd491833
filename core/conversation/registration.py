"""Linking a phone or a chat to a beneficiary with a one-time code.

"DK <code> <date or year of birth>": when both match, a 6-digit code goes by SMS to a phone on
file (the beneficiary's own, else a guardian's), so the person who holds that phone agrees. The
next 6-digit message from the same sender confirms. A wrong code and an unknown beneficiary get
the same answer, so nobody can probe which codes exist. Codes are stored only as keyed hashes,
expire after 5 minutes and allow 5 tries."""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from datetime import date, timedelta

from sqlalchemy import func, select

from core.abuse import make_guard, wait_minutes
from core.answers.context import AnswerContext, addressed
from core.i18n import Translator
from core.conversation.identity import Asker
from core.models import Beneficiary, Contact, Identity, OtpChallenge, Person
from core.outbox.writes import enqueue
from core.phones import mask_phone
from core.conversation.render import render_for_channel
from core.storage.state import StateStore

logger = logging.getLogger(__name__)

CODE_TTL = timedelta(minutes=5)
MAX_TRIES = 5
MAX_CODES_PER_HOUR = 3  # per beneficiary: a phone on file is not flooded
_ROLE_ORDER = {"self": 0, "guardian": 1, "authorised": 2}
_SIX_DIGITS = re.compile(r"\d{6}")


def _hash(settings, kind: str, address: str, code: str) -> str:
    return hmac.new(settings.secret_key.encode(), f"{kind}:{address}:{code}".encode(),
                    hashlib.sha256).hexdigest()


def _birth_matches(beneficiary: Beneficiary, dob: str) -> bool:
    """A full date must equal the date on file; a bare year must equal the birth year."""
    dob = (dob or "").strip()
    born_year = beneficiary.birth_date.year if beneficiary.birth_date else beneficiary.birth_year
    if re.fullmatch(r"\d{4}", dob):
        return born_year is not None and int(dob) == born_year
    try:
        given = date.fromisoformat(dob)
    except ValueError:
        return False
    if beneficiary.birth_date is not None:
        return given == beneficiary.birth_date
    return born_year is not None and given.year == born_year


def phone_on_file(session, beneficiary: Beneficiary) -> tuple[Identity, Contact] | None:
    """The beneficiary's own verified phone, else a guardian's, else an authorised person's."""
    rows = session.execute(
        select(Identity, Contact).join(Contact, Contact.person_id == Identity.person_id)
        .where(Contact.beneficiary_id == beneficiary.id, Contact.removed_at.is_(None),
               Identity.kind == "phone", Identity.verified.is_(True))
    ).all()
    rows.sort(key=lambda pair: (_ROLE_ORDER.get(pair[1].role, 9), pair[1].id, pair[0].id))
    return (rows[0][0], rows[0][1]) if rows else None


def _neutral(ctx: AnswerContext) -> str:
    return ctx.t._("The details do not match our records, or no phone number is on file. Please check the "
                   "beneficiary code and date of birth, or ask the People's Committee of your commune. "
                   "Hotline: %(hotline)s.",
                   hotline=ctx.settings.hotline)


def _too_many_attempts(ctx: AnswerContext, kind: str, address: str, code: str) -> str | None:
    """Codes and birth years cannot be guessed at leisure: each sender and each beneficiary code
    gets a few tries a minute, then waits, then is blocked for the day (core.abuse)."""
    guard = make_guard(ctx.settings, session=ctx.session)
    verdicts = (guard.hit("register_sender", f"{kind}:{address}"),
                guard.hit("register_code", code.strip().upper()))
    refused = [v for v in verdicts if not v.allowed]
    if not refused:
        return None
    logger.warning("registration attempts limited for a %s sender", kind)
    if any(v.blocked for v in refused):
        return ctx.t._("Too many attempts. Please try again tomorrow, or ask the People's Committee of your "
                       "commune.")
    minutes = max(1, -(-max(v.retry_after for v in refused) // 60))
    return ctx.t._("Too many attempts. Please wait %(minutes)s minutes and try again.", minutes=minutes)


def _too_many_codes(ctx: AnswerContext, kind: str, address: str, count: bool) -> str | None:
    """One sender may ask for only so many one-time codes (core.abuse `otp_sender`), so nobody who
    knows several codes and birth dates can flood phones on file. Checked before the details are
    matched (a refusal then says nothing about them) and counted only when a code is sent."""
    guard = make_guard(ctx.settings, session=ctx.session)
    key = f"{kind}:{address}"
    verdict = guard.hit("otp_sender", key) if count else guard.check("otp_sender", key)
    if verdict.allowed:
        return None
    logger.warning("one-time codes limited for a %s sender", kind)
    if verdict.blocked:
        return ctx.t._("Too many attempts. Please try again tomorrow, or ask the People's Committee of your "
                       "commune.")
    return ctx.t._("Too many codes were asked for from here. Please wait %(minutes)s minutes and try again.",
                   minutes=wait_minutes([verdict]))


def start(ctx: AnswerContext, state: StateStore, asker: Asker, kind: str, address: str,
          code: str | None, dob: str | None) -> str:
    """Handle 'DK <code> <dob>': send a one-time code to a phone on file, or say why not."""
    t = ctx.t
    if not code or not dob:
        return t._("To register, text: DK <beneficiary code> <date of birth>, for example DK 123456 "
                   "15/03/1945.")
    refusal = _too_many_attempts(ctx, kind, address, code) or _too_many_codes(ctx, kind, address, count=False)
    if refusal is not None:
        return refusal
    beneficiary = ctx.session.scalar(
        select(Beneficiary).where(func.upper(Beneficiary.code) == code.strip().upper())
    )
    if beneficiary is None or not _birth_matches(beneficiary, dob):
        logger.info("registration mismatch from %s", kind)
        return _neutral(ctx)
    if asker.verified and asker.role_for(beneficiary.id):
        return t._("You are already registered for %(name)s. Text TC to see this month's payment.",
                   name=addressed(ctx, beneficiary))
    on_file = phone_on_file(ctx.session, beneficiary)
    if on_file is None:
        return _neutral(ctx)
    phone_identity, owner_contact = on_file
    now = ctx.clock.now()
    recent = ctx.session.scalar(select(func.count()).select_from(OtpChallenge).where(
        OtpChallenge.beneficiary_id == beneficiary.id,
        OtpChallenge.created_at > now - timedelta(hours=1))) or 0
    if recent >= MAX_CODES_PER_HOUR:
        return t._("Several codes were sent in the last hour. Please try again later.")
    refusal = _too_many_codes(ctx, kind, address, count=True)
    if refusal is not None:
        return refusal
    for open_challenge in ctx.session.scalars(select(OtpChallenge).where(
            OtpChallenge.identity_kind == kind, OtpChallenge.identity_address == address,
        OtpChallenge.used_at.is_(None))):
        open_challenge.expires_at = now  # only the newest code counts
    code_value = f"{secrets.randbelow(10 ** 6):06d}"
    challenge = OtpChallenge(
        identity_kind=kind, identity_address=address, beneficiary_id=beneficiary.id,
        role="guardian" if kind == "phone" else owner_contact.role, sent_to=phone_identity.address,
        code_hash=_hash(ctx.settings, kind, address, code_value), expires_at=now + CODE_TTL, created_at=now)
    ctx.session.add(challenge)
    ctx.session.flush()
    owner_t = Translator(phone_identity.person.language)
    via = kind.capitalize() if kind != "phone" else owner_t._("the number %(phone)s",
                                                              phone=mask_phone(address))
    text = owner_t._("AnSinh: code %(code)s to register %(via)s for payment news of %(name)s. Valid 5 "
                     "minutes. Never read this code to anyone who calls you.",
                     code=code_value, via=via, name=beneficiary.full_name)
    enqueue(ctx.session, channel="sms", address=phone_identity.address,
            text=render_for_channel(text, "sms", ctx.settings),
            kind="otp", key=f"otp:{challenge.id}", person_id=phone_identity.person_id,
            beneficiary_id=beneficiary.id,
            ref=f"otp:{challenge.id}")
    logger.info("one-time code %s sent for beneficiary %s", challenge.id, beneficiary.id)
    return t._("A 6-digit code has been sent by SMS to the number %(phone)s on file. Please reply with that "
               "code within 5 minutes.",
               phone=mask_phone(phone_identity.address))


def open_challenge(session, kind: str, address: str) -> OtpChallenge | None:
    return session.scalar(select(OtpChallenge).where(
        OtpChallenge.identity_kind == kind, OtpChallenge.identity_address == address,
        OtpChallenge.used_at.is_(None))
        .order_by(OtpChallenge.id.desc()).limit(1))


def confirm(ctx: AnswerContext, kind: str, address: str, text: str) -> str | None:
    """Check a 6-digit reply against the sender's open code; None when this is not such a reply."""
    digits = re.sub(r"[\s.\-]", "", text or "")
    if not _SIX_DIGITS.fullmatch(digits):
        return None
    challenge = open_challenge(ctx.session, kind, address)
    if challenge is None:
        return None
    t = ctx.t
    now = ctx.clock.now()
    if challenge.expires_at <= now or challenge.attempts >= MAX_TRIES:
        challenge.used_at = now
        return t._("The code has expired or was tried too many times. Text DK <beneficiary code> <date of "
                   "birth> again for a new code.")
    if not hmac.compare_digest(challenge.code_hash, _hash(ctx.settings, kind, address, digits)):
        challenge.attempts += 1
        left = MAX_TRIES - challenge.attempts
        if left <= 0:
            challenge.used_at = now
            return t._("The code has expired or was tried too many times. Text DK <beneficiary code> <date "
                       "of birth> again for a new code.")
        return t._("The code is not correct. You have %(left)s tries left.", left=left)
    challenge.used_at = now
    beneficiary = ctx.session.get(Beneficiary, challenge.beneficiary_id)
    _link(ctx, challenge, kind, address)
    logger.info("a %s identity was linked to beneficiary %s", kind, challenge.beneficiary_id)
    return t._("Registered. You can now ask about the allowance of %(name)s. Text TC to see this month's "
               "payment.",
               name=addressed(ctx, beneficiary))


def _link(ctx: AnswerContext, challenge: OtpChallenge, kind: str, address: str) -> None:
    """Attach the sender to the beneficiary, as the code's holder agreed."""
    session, now = ctx.session, ctx.clock.now()
    identity = session.scalar(select(Identity).where(Identity.kind == kind, Identity.address == address))
    owner_identity = session.scalar(select(Identity).where(Identity.kind == "phone",
                                                           Identity.address == challenge.sent_to))
    if kind != "phone" and owner_identity is not None and not (identity is not None and identity.verified):
        # A new chat of the phone's owner: it joins that person, who is already on file.
        if identity is None:
            identity = Identity(person_id=owner_identity.person_id, kind=kind, address=address,
                                created_at=now)
            session.add(identity)
        identity.person_id = owner_identity.person_id
        _verify(identity, now)
        person = session.get(Person, owner_identity.person_id)
        person.preferred_channel = kind
        _ensure_contact(ctx, person.id, challenge.beneficiary_id, challenge.role)
        return
    if identity is None:
        person = Person(language=ctx.t.language, preferred_channel="sms" if kind == "phone" else kind,
                        created_at=now)
        session.add(person)
        session.flush()
        identity = Identity(person_id=person.id, kind=kind, address=address, created_at=now)
        session.add(identity)
    _verify(identity, now)
    session.flush()
    _ensure_contact(ctx, identity.person_id, challenge.beneficiary_id, "guardian")


def _verify(identity: Identity, now) -> None:
    if not identity.verified:
        identity.verified, identity.verified_at, identity.verified_by = True, now, "otp"


def _ensure_contact(ctx: AnswerContext, person_id: int, beneficiary_id: int, role: str) -> None:
    now = ctx.clock.now()
    contact = ctx.session.scalar(select(Contact).where(Contact.person_id == person_id,
                                                       Contact.beneficiary_id == beneficiary_id))
    if contact is None:
        ctx.session.add(Contact(person_id=person_id, beneficiary_id=beneficiary_id, role=role,
                                source="registration",
                                consent=True, consent_at=now, consent_channel=ctx.channel, created_at=now))
    elif contact.removed_at is not None or not contact.consent:
        contact.removed_at = contact.consent_withdrawn_at = contact.consent_withdrawn_channel = None
        # consented with the one-time code, on the channel the code was typed into (sms/ussd/telegram/zalo)
        contact.consent, contact.consent_at, contact.consent_channel = True, now, ctx.channel
    ctx.session.flush()
