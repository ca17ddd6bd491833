"""Flask's signed-cookie sessions, with the signer built once per key instead of once per request.

Flask builds a new itsdangerous serializer in `open_session` for every request, webhooks included
(gateways send no cookie, but the serializer is made before the cookie is looked for): a measurable
share of a USSD turn. The serializer keeps no per-request state, so one per key serves all threads."""
from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._signer: tuple[tuple, object] | None = None

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = self._signer
        if cached is None or cached[0] != keys:
            cached = self._signer = (keys, super().get_signing_serializer(app))
        return cached[1]
