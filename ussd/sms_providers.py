"""Which SMS provider sends the outbox's SMS: ANSINH_SMS_PROVIDER, else the one configured.

One table, `PROVIDERS`: a name, how to tell it is configured, and how to build its sender. A new
provider (SMPP, another aggregator) is one more row; nothing else changes. With
ANSINH_SMS_PROVIDER unset, the first configured provider in the table's order sends (Twilio
before Kannel, as before Kannel existed), else the phone simulator's inbox (the demo).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.i18n import Translator

SIMULATOR = "simulator"


@dataclass(frozen=True)
class SmsProvider:
    name: str
    configured: Callable[[object], bool]  # settings -> bool: enough to be chosen without ANSINH_SMS_PROVIDER
    build: Callable[[object], object]  # settings -> ussd.sms_provider.SmsSender
    needs: tuple[str, ...]  # the Settings fields it cannot work without (env: their names in capitals)

    def missing(self, settings) -> list[str]:
        return [field.upper() for field in self.needs if not getattr(settings, field, None)]


def twilio_configured(settings) -> bool:
    return bool(settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from)


def kannel_configured(settings) -> bool:
    return bool(settings.kannel_sendsms_url and settings.kannel_username)


def _twilio(settings):
    from ussd.twilio_sender import TwilioSender

    return TwilioSender(settings)


def _kannel(settings):
    from ussd.kannel_sender import KannelSender

    return KannelSender(settings)


PROVIDERS: tuple[SmsProvider, ...] = (
    SmsProvider("twilio", twilio_configured, _twilio,
                ("twilio_account_sid", "twilio_auth_token", "twilio_from")),
    # Without KANNEL_SECRET the delivery reports (and messages from phones) would be refused.
    SmsProvider("kannel", kannel_configured, _kannel,
                ("kannel_sendsms_url", "kannel_username", "kannel_secret")),
    # Only when named: its sender lives in `ansinh smpp`, the process holding the bind
    # (ussd.smpp_sender); other processes leave SMS rows to it.
    SmsProvider("smpp", lambda settings: False, lambda settings: None,
                ("smpp_host", "smpp_system_id", "smpp_password")),
)


class UnknownSmsProvider(ValueError):
    pass


def chosen_sms_provider(settings) -> str:
    """The provider's name: ANSINH_SMS_PROVIDER when set (an unknown name raises, in Vietnamese),
    else the first configured one, else "simulator"."""
    wanted = (getattr(settings, "sms_provider", "") or "").strip().lower()
    names = [provider.name for provider in PROVIDERS] + [SIMULATOR]
    if wanted:
        if wanted not in names:
            raise UnknownSmsProvider(Translator("vi")._(
                "ANSINH_SMS_PROVIDER=%(value)s is not an SMS provider; use one of: %(names)s.",
                value=wanted, names=", ".join(names)))
        return wanted
    return next((provider.name for provider in PROVIDERS if provider.configured(settings)), SIMULATOR)


def check_sms_provider(settings) -> None:
    """The provider that will send (named, or chosen because configured) must have all it needs:
    raise, naming what is missing."""
    name = chosen_sms_provider(settings)
    provider = next((p for p in PROVIDERS if p.name == name), None)
    missing = provider.missing(settings) if provider is not None else []
    if missing:
        raise UnknownSmsProvider(Translator("vi")._(
            "The SMS provider %(value)s needs %(variables)s.", value=name, variables=", ".join(missing)))


def build_sms_sender(settings):
    """The chosen provider's sender; None for the simulator (ussd.make_senders builds that one) and
    for `smpp` (ussd.make_senders sends nothing then)."""
    name = chosen_sms_provider(settings)
    provider = next((p for p in PROVIDERS if p.name == name), None)
    return provider.build(settings) if provider is not None else None
