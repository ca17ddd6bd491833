"""`ansinh broadcast create|approve|show`: officers' announcements from the command line, under
the same rules as the console (core.broadcasts.lifecycle): scope at creation, a second officer approves,
fan-out through the outbox at approval."""
from __future__ import annotations

import json
import sys
from datetime import datetime

import click

from ansinh.cli_support import pass_state
from core.broadcasts.lifecycle import approve, create_broadcast, make_filters, summary
from core.broadcasts.template import BroadcastError
from core.storage.db import transaction
from core.i18n import translator
from core.models import Broadcast
from core.models.payments import PAYMENT_STATUSES
from core.models.people import CHANNELS, METHODS
from core.officers.accounts import N_, OfficerError, require_officer


def _fail(error: Exception) -> None:
    click.echo(str(error), err=True)
    sys.exit(1)


def parse_local_time(text: str | None, tz) -> datetime | None:
    """'2026-12-01 07:30' in the service's time zone."""
    if not text:
        return None
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=tz)
    except ValueError:
        raise BroadcastError(
            N_("Write the time as YYYY-MM-DD HH:MM, for example 2026-12-01 07:30.")
        ) from None


def _load(session, broadcast_id: int) -> Broadcast:
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise BroadcastError(N_("There is no broadcast number %(id)s."), id=broadcast_id)
    return broadcast


def register(main: click.Group) -> None:
    @main.group(help="officers' announcements: create, approve (by a second officer), show")
    def broadcast() -> None:
        pass

    @broadcast.command("create",
                       help="write a broadcast; it waits for another officer's approval. Prints its id last.")
    @click.option("--as", "username", required=True, help="the officer writing it")
    @click.option("--text", required=True,
                  help="the message; fields {ho_ten} {so_tien} {ky} {ngay_chi_tra} {dia_diem}")
    @click.option("--unit", "units", multiple=True, metavar="CODE", help="target unit (repeatable)")
    @click.option("--category", "categories", multiple=True, metavar="CODE",
                  help="beneficiary category (repeatable)")
    @click.option("--method", type=click.Choice(METHODS), help="how they are paid")
    @click.option("--status", type=click.Choice(PAYMENT_STATUSES), help="payment status in --period")
    @click.option("--period", metavar="YYYY-MM", help="period of --status and of the fields")
    @click.option("--channel", type=click.Choice(CHANNELS), help="only people on this channel")
    @click.option("--at", "at", metavar="YYYY-MM-DD HH:MM", help="send later, at this local time")
    @pass_state
    def broadcast_create(state, username, text, units, categories, method, status, period, channel,
                         at) -> None:
        runtime = state.runtime
        t = translator("vi")
        try:
            with transaction(runtime.sessions) as session:
                officer = require_officer(session, username)
                filters = make_filters(session, officer, runtime.clock, units=units, categories=categories,
                                       method=method, status=status, period=period, channel=channel)
                scheduled = parse_local_time(at, runtime.clock.tz)
                created = create_broadcast(session, officer, text, filters, runtime.clock, scheduled,
                                           via="cli")
                new_id, recipients = created.id, created.recipients
        except OfficerError as error:
            _fail(error)
        click.echo(t._("Broadcast created for %(count)s people; it waits for another officer's approval.",
                       count=t.number(recipients)))
        click.echo(str(new_id))

    @broadcast.command("approve", help="approve another officer's broadcast and queue it")
    @click.argument("broadcast_id", type=int)
    @click.option("--as", "username", required=True, help="the approving officer")
    @pass_state
    def broadcast_approve(state, broadcast_id: int, username: str) -> None:
        runtime = state.runtime
        try:
            with transaction(runtime.sessions) as session:
                officer = require_officer(session, username)
                queued = approve(session, _load(session, broadcast_id), officer, runtime.settings,
                                 runtime.clock, via="cli")
        except OfficerError as error:
            _fail(error)
        t = translator("vi")
        click.echo(t._("Broadcast %(id)s approved: %(count)s messages queued.", id=broadcast_id,
                       count=t.number(queued)))

    @broadcast.command("show", help="the broadcast's status and delivery counts, as JSON")
    @click.argument("broadcast_id", type=int)
    @pass_state
    def broadcast_show(state, broadcast_id: int) -> None:
        runtime = state.runtime
        try:
            with transaction(runtime.sessions) as session:
                data = summary(session, _load(session, broadcast_id), runtime.clock.now())
        except OfficerError as error:
            _fail(error)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
