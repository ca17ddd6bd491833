"""USSD and SMS for basic phones, and the phone simulator.

`init_app(app, runtime)` registers the USSD gateways (ussd.ussd, behind ussd.gateway_guard),
Twilio's SMS webhooks (ussd.sms), Kannel's (ussd.kannel) and the simulator (ussd.simulator, when
enabled); `make_senders(settings, sessions, clock)` gives the dispatcher its "sms" sender: the
provider ussd.sms_providers chooses (ANSINH_SMS_PROVIDER, else the configured one), otherwise the
simulator's, which marks messages delivered so the simulator's inbox shows them.
For `smpp` no process but `ansinh smpp` (the one holding the bind, ussd.smpp_sender) sends SMS.
"""
from __future__ import annotations

import logging
from dataclasses import fields

from core.settings import SMS_GATEWAY_PREFIXES

logger = logging.getLogger(__name__)
SMS_GATEWAY_FIELDS = tuple(prefix.lower() for prefix in SMS_GATEWAY_PREFIXES)


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


def check_settings(settings) -> None:
    """Gateway and SMS settings that cannot be read raise ValueError in one Vietnamese line, so
    `serve` and `worker` stop at the start rather than at the first message."""
    from ussd.gateway_guard import parse_networks
    from ussd.kannel import kannel_networks
    from ussd.sms_providers import check_sms_provider

    parse_networks(settings.ussd_allowed_ips)
    kannel_networks(settings)
    check_sms_provider(settings)


def init_app(app, runtime) -> None:
    from ussd import gateway_guard, kannel, simulator, sms, ussd
    from ussd.services import EXTENSION, ChannelServices

    app.extensions[EXTENSION] = ChannelServices(runtime)
    gateway_guard.install(app, runtime.settings)
    kannel.install(app, runtime.settings)
    app.register_blueprint(ussd.bp)
    app.register_blueprint(sms.bp)
    app.register_blueprint(kannel.bp)
    if simulator_enabled(runtime.settings):
        app.register_blueprint(simulator.bp)


def make_senders(settings, sessions, clock) -> dict:
    """{"sms": sender}: the chosen provider's (ussd.sms_providers), else the simulator's (the demo).
    Where the simulator is on, its sender keeps each one-time code for the simulator's inbox (the
    phone on file that would have received it is the simulator's); the outbox loses it as everywhere."""
    from ussd.sms_providers import build_sms_sender, chosen_sms_provider

    if chosen_sms_provider(settings) == "smpp":
        logger.info("ANSINH_SMS_PROVIDER=smpp: SMS are sent by `ansinh smpp`, which holds the bind")
        return {}
    sender = build_sms_sender(settings)
    if sender is not None:
        return {"sms": sender}
    from ussd.sms_provider import SimulatorSender

    logger.info("no SMS provider configured: SMS go to the phone simulator's inbox")
    codes = None
    if simulator_enabled(settings):
        from core.clock import Clock
        from core.storage.state import make_state_store

        codes = make_state_store(settings, sessions, clock or Clock(settings.timezone))
    return {"sms": SimulatorSender(settings, codes)}
