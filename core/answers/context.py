"""What every answer needs (session, translator, channel, clock, settings, who asks) and the small
phrases answers share: how a person is addressed, how money reached them, whom to call.

Answers are written in full sentences; where a channel is tight (USSD 182 characters, SMS aimed
at 2 segments) `compose` leaves out the optional sentences that do not fit."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from core.answers.cash_days import CashDays, cash_days
from core.privacy.audit import record_disclosure
from core.clock import Clock
from core.i18n import Translator
from core.models import Beneficiary, Unit
from core.storage.reference_cache import UnitInfo, cache_of
from core.conversation.render import ussd_limit
from core.settings import Settings
from core.vietnamese_text import sms_size, to_ascii, to_gsm7

logger = logging.getLogger(__name__)

CHAT_CHANNELS = ("telegram", "zalo", "cli")
SMS_AIM_SEGMENTS = 2
CHILD_AGE = 16


@dataclass
class AnswerContext:
    session: Session
    t: Translator
    channel: str  # sms / ussd / telegram / zalo / cli
    clock: Clock
    settings: Settings
    actor: str  # "sms:+84912345678": who is told, for the audit log
    # One answer may try several detail levels, each naming the same days: read them once per turn.
    _cash_days: dict = field(default_factory=dict, init=False, repr=False)

    @property
    def today(self) -> date:
        return self.clock.today()

    @property
    def is_ussd(self) -> bool:
        return self.channel == "ussd"

    @property
    def is_chat(self) -> bool:
        return self.channel in CHAT_CHANNELS

    def cash_days(self, unit_code: str, period: str | None, method: str = "cash") -> CashDays:
        """The unit's cash days as of today (core.answers.cash_days), read once per turn."""
        key = (unit_code, period, method)
        if key not in self._cash_days:
            self._cash_days[key] = cash_days(self.session, unit_code, self.today, period, method)
        return self._cash_days[key]

    def pick(self, full: str, short: str) -> str:
        """The short (USSD) variant on USSD, the full sentence elsewhere."""
        return short if self.is_ussd else full

    def fits(self, text: str, segments: int = SMS_AIM_SEGMENTS) -> bool:
        """Would `text` show whole on this channel (SMS: within `segments`)?"""
        if self.channel == "sms":
            shown = text if self.settings.sms_encoding == "ucs2" else to_gsm7(text)
            return sms_size(shown).segments <= segments
        if self.channel == "ussd":
            shown = text if self.settings.ussd_unicode else to_ascii(text)
            return len(shown) <= ussd_limit(self.settings)
        return True

    def compose(self, required: list[str], optional: list[str] = (), sep: str = " ") -> str:
        """Required sentences, then each optional one that still fits the channel."""
        text = sep.join(part for part in required if part)
        for part in optional:
            if not part:
                continue
            candidate = f"{text}{sep}{part}" if text else part
            if self.fits(candidate):
                text = candidate
        return text

    def disclose(self, intent: str, beneficiary: Beneficiary, **detail) -> None:
        record_disclosure(self.session, self.actor, f"disclose.{intent}", beneficiary.id, self.channel,
                          {k: v for k, v in detail.items() if v is not None}, at=self.clock.now())


def age_of(beneficiary: Beneficiary, today: date) -> int | None:
    born = beneficiary.birth_date
    if born is not None:
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if beneficiary.birth_year:
        return today.year - beneficiary.birth_year
    return None


def addressed(ctx: AnswerContext, beneficiary: Beneficiary) -> str:
    """'bà Nguyễn Thị Lài', 'ông …', 'cháu …' (under 16), or the bare name."""
    t, name = ctx.t, beneficiary.full_name
    age = age_of(beneficiary, ctx.today)
    if age is not None and age < CHILD_AGE:
        return t._("child %(name)s", name=name)
    gender = (beneficiary.gender or "").strip().lower()
    if gender in ("nu", "nữ", "f", "female"):
        return t._("Mrs %(name)s", name=name)
    if gender in ("nam", "m", "male"):
        return t._("Mr %(name)s", name=name)
    return name


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def short_date(ctx: AnswerContext, day: date) -> str:
    """'05/11' from the translator's '05/11/2026'."""
    return ctx.t.date(day).rsplit("/", 1)[0]


def masked_account(beneficiary: Beneficiary) -> str | None:
    """Only the last four digits ever appear: '…1234'."""
    last4 = (beneficiary.account_last4 or "").strip()
    return f"…{last4[-4:]}" if last4 else None


def how_paid(ctx: AnswerContext, beneficiary: Beneficiary, method: str | None, provider: str | None) -> str:
    """'vào ví Viettel Money', 'vào tài khoản …1234 (VNPost – VietinBank)', 'bằng tiền mặt'."""
    t = ctx.t
    method = method or beneficiary.method
    provider = provider or beneficiary.provider
    if method == "ewallet":
        return t._("into the %(provider)s e-wallet",
                   provider=provider) if provider else t._("into an e-wallet")
    if method == "account":
        account = masked_account(beneficiary)
        if account and provider:
            return t._("into account %(account)s (%(provider)s)", account=account, provider=provider)
        if account:
            return t._("into account %(account)s", account=account)
        return t._("into a bank account")
    return t._("in cash")


def national_phone(phone: str | None) -> str:
    """'+84912345678' -> '0912345678', the form people dial; other text as it is."""
    phone = (phone or "").strip()
    return "0" + phone[3:] if phone.startswith("+84") else phone


def unit_of(ctx: AnswerContext, unit_code: str | None) -> Unit | UnitInfo | None:
    """The unit's name and officer, from the reference cache when the session has one."""
    if not unit_code:
        return None
    cache = cache_of(ctx.session)
    return cache.unit(ctx.session, unit_code) if cache is not None else ctx.session.get(Unit, unit_code)


def officer_phrase(ctx: AnswerContext, unit: Unit | UnitInfo | None) -> str:
    """Whom to call about one unit: its officer with phone, else its People's Committee, else the hotline."""
    t = ctx.t
    if ctx.is_ussd and unit is not None and unit.officer_phone:  # a screen has no room for the name
        return t._("the officer on %(phone)s", phone=national_phone(unit.officer_phone))
    if unit is not None and unit.officer_name and unit.officer_phone:
        return t._("officer %(officer)s (%(phone)s)", officer=unit.officer_name,
                   phone=national_phone(unit.officer_phone))
    if unit is not None and unit.officer_phone:
        return t._("the commune office (%(phone)s)", phone=national_phone(unit.officer_phone))
    if unit is not None:
        return t._("the People's Committee of %(unit)s", unit=unit.name)
    return t._("the hotline %(hotline)s", hotline=ctx.settings.hotline)
