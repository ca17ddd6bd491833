"""USSD and SMS for basic phones, and the phone simulator.

`init_app(app, runtime)` registers the USSD gateways (ussd.ussd, behind ussd.gateway_guard),
Twilio's SMS webhooks (ussd.sms) and the simulator (ussd.simulator, when enabled);
`make_senders(settings, sessions, clock)` gives the dispatcher its "sms" sender, as
ANSINH_SMS_PROVIDER says (`chosen_sms_provider`): Twilio; the simulator's, which marks messages delivered
so the simulator's inbox shows them; or none for `smpp`, whose sender lives in `ansinh smpp` (the
process holding the bind, ussd.smpp_sender). Unset: Twilio when configured, else the simulator.
"""
from __future__ import annotations

import logging
from dataclasses import fields

from core.settings import SMS_GATEWAY_PREFIXES

logger = logging.getLogger(__name__)
SMS_GATEWAY_FIELDS = tuple(prefix.lower() for prefix in SMS_GATEWAY_PREFIXES)


def twilio_configured(settings) -> bool:
    return bool(settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from)


SMS_PROVIDERS = ("twilio", "smpp", "simulator")


def chosen_sms_provider(settings) -> str:
    """ANSINH_SMS_PROVIDER, or the one whose credentials are set, else the simulator."""
    chosen = (getattr(settings, "sms_provider", "") or "").strip().lower()
    if chosen:
        return chosen
    return "twilio" if twilio_configured(settings) else "simulator"


def sms_provider_configured(settings) -> bool:
    """Any sign of a real SMS gateway: one Twilio variable is enough (a half-finished setup is still
    a production one), and so is any KANNEL_* or SMPP_* variable, modelled in Settings or not yet."""
    if settings.sms_gateway_variables:
        return True
    return any(f.name.startswith(SMS_GATEWAY_FIELDS)
               and getattr(settings, f.name) not in (None, "", f.default) for f in fields(settings))


def simulator_enabled(settings) -> bool:
    """`auto` turns the simulator on only where no SMS provider at all is configured (the demo): it
    lets anyone act as any phone, which must never be possible against real people's data."""
    mode = (getattr(settings, "simulator", "auto") or "auto").strip().lower()
    if mode in ("on", "1", "true", "yes"):
        return True
    if mode in ("off", "0", "false", "no"):
        return False
    return not sms_provider_configured(settings)


def init_app(app, runtime) -> None:
    from ussd import gateway_guard, simulator, sms, ussd
    from ussd.services import EXTENSION, ChannelServices

    app.extensions[EXTENSION] = ChannelServices(runtime)
    gateway_guard.install(app, runtime.settings)
    app.register_blueprint(ussd.bp)
    app.register_blueprint(sms.bp)
    if simulator_enabled(runtime.settings):
        app.register_blueprint(simulator.bp)


def make_senders(settings, sessions, clock) -> dict:
    """{"sms": sender}: Twilio with credentials, else the simulator's (the demo). Where the
    simulator is on, its sender keeps each one-time code for the simulator's inbox (the phone on
    file that would have received it is the simulator's); the outbox loses it as everywhere."""
    provider = chosen_sms_provider(settings)
    if provider == "smpp":
        logger.info("ANSINH_SMS_PROVIDER=smpp: SMS are sent by `ansinh smpp`, which holds the bind")
        return {}
    if provider not in SMS_PROVIDERS:
        logger.warning("ANSINH_SMS_PROVIDER=%s is not one of %s: SMS wait", provider, ", ".join(SMS_PROVIDERS))
        return {}
    if provider == "twilio":
        from ussd.twilio_sender import TwilioSender

        return {"sms": TwilioSender(settings)}
    from ussd.sms_provider import SimulatorSender

    logger.info("no Twilio credentials: SMS go to the phone simulator's inbox")
    codes = None
    if simulator_enabled(settings):
        from core.clock import Clock
        from core.storage.state import make_state_store

        codes = make_state_store(settings, sessions, clock or Clock(settings.timezone))
    return {"sms": SimulatorSender(settings, codes)}
