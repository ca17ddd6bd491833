"""Every request observed once: a request id (the caller's X-Request-ID when it looks like one),
its route and channel for the log lines written meanwhile, one log line when it ends (outcome,
status, duration), the request counters and latency of ansinh/metrics.py, and GET /metrics.

/metrics is closed unless configured (fail closed, as the USSD gateway routes): with neither
ANSINH_METRICS_TOKEN nor ANSINH_METRICS_ALLOWED_IPS it answers 404; a request passes with the
token as a bearer (`Authorization: Bearer …`, compared in constant time) or from an allowed
network (the peer address, or the client ANSINH_TRUSTED_PROXIES' ProxyFix found).
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import re
import time

from flask import Flask, Response, abort, g, request

from core.settings import SettingsError

logger = logging.getLogger("ansinh.requests")
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Blueprint -> channel label; a blueprint not named here is its own channel, a request outside any "web".
CHANNELS = {"ussd": "ussd", "sms": "sms", "telegram": "telegram", "zalo": "zalo", "console": "console",
            "simulator": "simulator", "kannel": "sms"}


class Observed:
    """What the log lines and the metrics of one request need to know about it."""

    __slots__ = ("channel", "request_id", "route", "started")

    def __init__(self, request_id: str, route: str, channel: str, started: float):
        self.request_id, self.route, self.channel, self.started = request_id, route, channel, started


def metrics_networks(spec: str) -> tuple:
    """ANSINH_METRICS_ALLOWED_IPS as networks; a bad entry stops the start (SettingsError names it)."""
    try:
        return tuple(ipaddress.ip_network(item.strip(),
                                          strict=False) for item in spec.split(",") if item.strip())
    except ValueError:
        raise SettingsError("ANSINH_METRICS_ALLOWED_IPS", spec) from None


def init_app(app: Flask, runtime) -> None:
    settings = runtime.settings
    counting = settings.metrics
    if counting:
        from ansinh import metrics

        metrics.install(runtime)
    token = (settings.metrics_token or "").encode()
    networks = metrics_networks(settings.metrics_allowed_ips)

    requests_of, latency_of = {}, {}  # label values -> the metric's child, to skip labels() per request

    @app.before_request
    def begin_request() -> None:
        current = request._get_current_object()  # one context look-up instead of one per attribute
        given = current.environ.get("HTTP_X_REQUEST_ID", "")
        rule, blueprint = current.url_rule, current.blueprint
        g.observed = Observed(given if REQUEST_ID.fullmatch(given) else os.urandom(16).hex(),
                              rule.rule if rule is not None else "unmatched",
                              CHANNELS.get(blueprint, blueprint) if blueprint else "web", time.perf_counter())

    @app.after_request
    def end_request(response: Response) -> Response:
        observed = g.get("observed")
        if observed is None:  # a request refused before before_request ran (none today)
            return response
        took = time.perf_counter() - observed.started
        response.headers["X-Request-ID"] = observed.request_id
        status = response.status_code
        if counting:
            where = (observed.route, observed.channel)
            requests = requests_of.get((*where, status))
            if requests is None:
                requests = requests_of.setdefault((*where, status),
                                                  metrics.REQUESTS.labels(*where, str(status)))
            latency = latency_of.get(where) or latency_of.setdefault(where, metrics.LATENCY.labels(*where))
            requests.inc()
            latency.observe(took)
        if logger.isEnabledFor(logging.INFO):
            outcome = "ok" if status < 400 else "refused" if status < 500 else "error"
            logger.info("%s %s", request.method, observed.route,
                        extra={"outcome": outcome, "status": status, "duration_ms": round(took * 1000, 1)})
        return response

    @app.get("/metrics")
    def scrape():
        if not token and not networks:
            abort(404)
        if not _allowed(token, networks):
            if token:
                return Response("", 401, {"WWW-Authenticate": 'Bearer realm="metrics"'})
            abort(403)
        from prometheus_client import CONTENT_TYPE_LATEST

        from ansinh import metrics as defined

        return Response(defined.exposition(runtime), 200, {"Content-Type": CONTENT_TYPE_LATEST})


def _allowed(token: bytes, networks: tuple) -> bool:
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip().encode(), token):
        return True
    if networks and request.remote_addr:
        try:
            address = ipaddress.ip_address(request.remote_addr)
        except ValueError:
            return False
        return any(address in network for network in networks)
    return False
