"""Who may call a gateway route: a shared secret, and optionally the gateway's addresses.

USSD gateways (Africa's Talking, session-style gateways) do not sign their callbacks the way
Twilio, Telegram and Zalo do, yet a callback names the caller's phone, and the answer tells that
phone's payments. So a gateway route trusts a request only when it carries ANSINH_USSD_SECRET,
as the password of HTTP Basic auth (any user name: gateways put credentials in the callback URL,
`https://any:SECRET@host/ussd/…`) or in the header `X-AnSinh-Key`, and, when
ANSINH_USSD_ALLOWED_IPS lists networks, only when it comes from one of them (the peer address, or
the client that ANSINH_TRUSTED_PROXIES' ProxyFix found in X-Forwarded-For).

Every gateway route goes through this guard: `protect(blueprint)` for a blueprint of gateway
routes (each route added to it later is covered too), `@gateway_only` for one route in a mixed
blueprint. The USSD routes use it; a Kannel get-url or an SMPP bridge's HTTP side must too. The
answers, in this order, before the view runs and so before anything is read from the database:
404 with no secret configured (fail closed: an unconfigured deployment has no gateway routes; the
demo's phone simulator has its own path into the same menu), 403 from an address outside the
list, 401 with `WWW-Authenticate: Basic` when the credential is missing or wrong (compared in
constant time).
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
from dataclasses import dataclass
from functools import wraps

from flask import Blueprint, Response, abort, current_app, request

from core.i18n import Translator

logger = logging.getLogger(__name__)
EXTENSION = "ansinh.gateway_guard"
KEY_HEADER = "X-AnSinh-Key"
KEY_ENVIRON = "HTTP_X_ANSINH_KEY"  # KEY_HEADER as WSGI names it

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(spec: str | None) -> tuple[Network, ...]:
    """'10.0.0.0/8, 2001:db8::/32, 203.0.113.7' → networks; a bad entry raises ValueError naming it."""
    networks = []
    for item in (spec or "").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(Translator("vi")._(
                "ANSINH_USSD_ALLOWED_IPS: %(item)s is not an IP address or network.", item=repr(item))
            ) from None
    return tuple(networks)


@dataclass(frozen=True)
class GatewayGuard:
    secret: bytes | None
    allowed: tuple[Network, ...] = ()

    @classmethod
    def from_settings(cls, settings) -> GatewayGuard:
        secret = (settings.ussd_secret or "").strip()
        return cls(secret.encode() if secret else None, parse_networks(settings.ussd_allowed_ips))

    def address_allowed(self, address: str | None) -> bool:
        if not self.allowed:
            return True
        try:
            ip = ipaddress.ip_address((address or "").split("%", 1)[0])
        except ValueError:
            return False
        mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:192.0.2.1 from a dual-stack listener
        return any(ip in net or (mapped is not None and mapped in net) for net in self.allowed)

    def credential_ok(self, current) -> bool:
        """`current`: the request itself (not Flask's proxy)."""
        given = current.environ.get(KEY_ENVIRON)  # current.headers.get(KEY_HEADER), without the wrapper
        if given is None and current.authorization is not None:
            given = current.authorization.password
        if not given:
            return False
        return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), self.secret)

    def refusal(self) -> Response | None:
        """None when the request may go on, else the answer to give instead."""
        if self.secret is None:
            abort(404)
        current = request._get_current_object()  # one context look-up instead of one per attribute
        if self.allowed and not self.address_allowed(current.remote_addr):
            logger.warning("gateway route %s refused: address not allowed", current.path)
            return Response("", 403, mimetype="text/plain")
        if not self.credential_ok(current):
            logger.warning("gateway route %s refused: missing or wrong credential", request.path)
            return Response("", 401, {"WWW-Authenticate": 'Basic realm="AnSinh gateways", charset="UTF-8"'},
                            mimetype="text/plain")
        return None


def install(app, settings) -> None:
    """Build the app's guard once (a bad ANSINH_USSD_ALLOWED_IPS stops the start here)."""
    app.extensions[EXTENSION] = GatewayGuard.from_settings(settings)


def _check() -> Response | None:
    return current_app.extensions[EXTENSION].refusal()


def protect(blueprint: Blueprint) -> Blueprint:
    """Every route of `blueprint` is a gateway route."""
    blueprint.before_request(_check)
    return blueprint


def gateway_only(view):
    """One gateway route in a blueprint that also has others."""
    @wraps(view)
    def guarded(*args, **kwargs):
        return _check() or view(*args, **kwargs)

    return guarded
