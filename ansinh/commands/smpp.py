"""`ansinh smpp`: bind to the carrier's SMSC as an ESME (transceiver) and serve USSD and SMS over it.

Runs until SIGTERM or Ctrl-C, then answers what it is handling, sends what is queued, unbinds and
exits 0. Several may run (one bind each, as the carrier allows): a USSD session's position is in the
state store, so any bind can take its next step. With ANSINH_SMS_PROVIDER=smpp it also sends the
outbox's SMS over its bind (ussd.smpp_sender); other processes then leave SMS rows to it.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time

import click

from ansinh.cli_errors import CliFailure
from ansinh.cli_support import pass_state, require_identifier_key
from core.i18n import translator

logger = logging.getLogger(__name__)
MAX_PASSWORD = 8  # SMPP 3.4: password is a C-octet string of at most 9 octets with its NUL
REQUIRED = (("SMPP_HOST", "smpp_host"), ("SMPP_SYSTEM_ID", "smpp_system_id"),
            ("SMPP_PASSWORD", "smpp_password"))


def check_settings(settings) -> None:
    t = translator("vi")
    for variable, name in REQUIRED:
        if not getattr(settings, name):
            raise CliFailure(t._("%(name)s is not set", name=variable))
    if len(settings.smpp_password) > MAX_PASSWORD:
        raise CliFailure(t._("%(name)s is longer than %(limit)s characters, which SMPP 3.4 does not allow",
                             name="SMPP_PASSWORD", limit=MAX_PASSWORD))
    if len(settings.smpp_system_id) > 15:
        raise CliFailure(t._("%(name)s is longer than %(limit)s characters, which SMPP 3.4 does not allow",
                             name="SMPP_SYSTEM_ID", limit=15))


def link_config(settings):
    from ussd.smpp_link import LinkConfig

    return LinkConfig(host=settings.smpp_host, port=settings.smpp_port, system_id=settings.smpp_system_id,
                      password=settings.smpp_password, system_type=settings.smpp_system_type or "",
                      max_tps=settings.smpp_max_tps, window=max(1, settings.smpp_window),
                      enquire_interval=settings.smpp_enquire_link, backoff_min=settings.smpp_reconnect_min,
                      backoff_max=settings.smpp_reconnect_max)


def register(main: click.Group) -> None:
    @main.command(help="serve USSD and SMS over SMPP: bind to the carrier's SMSC (SMPP_HOST, SMPP_PORT, …)")
    @click.option("--no-dispatch", is_flag=True,
                  help="with ANSINH_SMS_PROVIDER=smpp: do not send queued SMS over this bind")
    @pass_state
    def smpp(state, no_dispatch: bool) -> None:
        from ansinh.dispatching import stop_on_signals
        from ussd.sms_providers import chosen_sms_provider
        from ussd.smpp_gateway import SmppGateway
        from ussd.smpp_link import SmppLink

        check_settings(state.settings)
        require_identifier_key(state)
        runtime = state.runtime
        stop = threading.Event()
        stop_on_signals(stop)
        gateway = SmppGateway(runtime, submit=lambda **fields: link.submit(**fields))
        link = SmppLink(link_config(runtime.settings), gateway.on_deliver)
        click.echo(f"SMPP ESME for {runtime.settings.smpp_host}:{runtime.settings.smpp_port} running; "
                   "Ctrl-C to stop", err=True)
        link.start()
        sending = None
        if chosen_sms_provider(runtime.settings) == "smpp" and not no_dispatch:
            sending = _start_sms_dispatcher(runtime, link, stop)
        while not stop.is_set():
            time.sleep(0.2)
        if sending is not None:
            sending.join(timeout=45)
        link.stop()
        runtime.close()


def _start_sms_dispatcher(runtime, link, stop: threading.Event) -> threading.Thread:
    from core.outbox.dispatch import Dispatcher
    from ussd.smpp_sender import SmppSender

    worker_id = f"{socket.gethostname()}:{os.getpid()}:smpp"
    dispatcher = Dispatcher(runtime.sessions, {"sms": SmppSender(runtime.settings, link)}, runtime.clock,
                            runtime.settings, worker_id=worker_id, rate_limiter=runtime.send_rate_limiter,
                            on_permanent_failure=runtime.on_permanent_failure)
    thread = threading.Thread(target=dispatcher.run_forever, args=(stop,), name="smpp-dispatch", daemon=True)
    thread.start()
    return thread
