"""USSD and SMS for basic phones, and the phone simulator.

`init_app(app, runtime)` registers the USSD gateways (ussd.ussd), Twilio's SMS webhooks
(ussd.sms) and the simulator (ussd.simulator, when enabled); `make_senders(settings, sessions,
clock)` gives the dispatcher its "sms" sender: Twilio when credentials are configured, otherwise
the simulator's, which marks messages delivered so the simulator's inbox shows them.
"""
from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def twilio_configured(settings) -> bool:
    return bool(settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from)


def simulator_enabled(settings) -> bool:
    """`auto` turns the simulator on only where no real SMS provider is configured (the demo): it
    lets anyone act as any phone, which must never be possible against real people's data."""
    mode = (getattr(settings, "simulator", "auto") or "auto").strip().lower()
    if mode in ("on", "1", "true", "yes"):
        return True
    if mode in ("off", "0", "false", "no"):
        return False
    return not twilio_configured(settings)


def init_app(app, runtime) -> None:
    from ussd import simulator, sms, ussd
    from ussd.services import EXTENSION, ChannelServices

    app.extensions[EXTENSION] = ChannelServices(runtime)
    app.register_blueprint(ussd.bp)
    app.register_blueprint(sms.bp)
    if simulator_enabled(runtime.settings):
        app.register_blueprint(simulator.bp)


def make_senders(settings, sessions, clock) -> dict:
    """{"sms": sender}: Twilio with credentials, else the simulator's (the demo)."""
    if twilio_configured(settings):
        from ussd.twilio_sender import TwilioSender

        return {"sms": TwilioSender(settings)}
    from ussd.sms_provider import SimulatorSender

    logger.info("no Twilio credentials: SMS go to the phone simulator's inbox")
    return {"sms": SimulatorSender(settings)}
