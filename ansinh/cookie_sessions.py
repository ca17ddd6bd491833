"""Flask's signed-cookie sessions, with the signer built once per key instead of once per request,
and nothing done for a request that sends no cookie and leaves the session alone.

Flask builds a new itsdangerous serializer in `open_session` for every request, webhooks included
(gateways send no cookie, but the serializer is made before the cookie is looked for): a measurable
share of a USSD turn. The serializer keeps no per-request state, so one per key serves all threads.
A request without a Cookie header (every gateway's) gets an empty session without parsing
cookies, and one whose session was never touched saves nothing: what Flask would conclude after
reading its seven cookie settings."""
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

    def open_session(self, app, request):
        if not request.environ.get("HTTP_COOKIE") and app.secret_key:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not session and not session.modified and not session.accessed:
            return
        super().save_session(app, session, response)
