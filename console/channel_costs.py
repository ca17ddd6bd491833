"""Channels and costs: per notification topic and per broadcast, how many messages went by ZNS,
SMS, Telegram and Zalo OA, what they cost at ANSINH_PRICES, and what ZNS saved against SMS
(core.notify.channel_costs). Viewing is audited like the other reports."""
from __future__ import annotations

from flask import render_template

from console.web import audit, bp, db, login_required, runtime, scope_codes
from core.notify.channel_costs import CHANNELS, costs_by_broadcast, costs_by_topic, parse_prices
from core.settings import SettingsError


@bp.get("/channels")
@login_required
def channel_costs():
    try:
        prices, bad_prices = parse_prices(runtime().settings.prices), None
    except SettingsError as error:  # counted without prices, and the officer is told which setting
        prices, bad_prices = {}, error.value
    with db() as s:
        codes = scope_codes(s)
        topics = costs_by_topic(s, codes, prices)
        broadcasts = costs_by_broadcast(s, codes, prices)
        audit(s, "outbox.channel_costs")
    return render_template("console/channel_costs.html", topics=topics, broadcasts=broadcasts,
                           channels=CHANNELS,
                           prices=prices, bad_prices=bad_prices)
