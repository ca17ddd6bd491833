"""Zalo OA tokens, kept in the database (provider_tokens row "zalo"), never only in memory.

Zalo's access token lives about 25 hours; a new one comes from the OAuth v4 endpoint in exchange
for the refresh token, and that refresh token is single-use: the answer carries the next one.
Losing it means an officer must re-authorise the OA by hand, so the exchange and the write of
both new tokens happen in one transaction, under a row lock (PostgreSQL: SELECT … FOR UPDATE) so
two workers never spend the same refresh token. A worker that waited for the lock finds the token
already renewed and uses it.

    POST {ZALO_OAUTH_BASE_URL}/v4/oa/access_token
    header secret_key: ZALO_APP_SECRET
    form refresh_token, app_id, grant_type=refresh_token
    → {"access_token": "…", "refresh_token": "…", "expires_in": "90000"}  or  {"error": -14014, …}

The first values come from ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN when the row does not exist.
"""
from __future__ import annotations

import logging
from datetime import timedelta

import requests
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.outbox.dispatch import TemporaryError
from core.models import ProviderToken

logger = logging.getLogger(__name__)
PROVIDER = "zalo"
EARLY = timedelta(minutes=5)  # renew this long before the access token expires
TIMEOUT = 10.0


class ZaloTokens:
    def __init__(self, settings, sessions: sessionmaker[Session], clock: Clock,
                 http: requests.Session | None = None):
        self.settings = settings
        self.sessions = sessions
        self.clock = clock
        self.http = http or requests.Session()

    def _row(self, session: Session, lock: bool = False) -> ProviderToken:
        query = select(ProviderToken).where(ProviderToken.provider == PROVIDER)
        if lock:
            query = query.with_for_update()
        row = session.scalar(query)
        if row is not None:
            return row
        try:
            with session.begin_nested():
                row = ProviderToken(provider=PROVIDER, access_token=self.settings.zalo_access_token,
                                    refresh_token=self.settings.zalo_refresh_token,
                                    updated_at=self.clock.now())
                session.add(row)
                session.flush()
            return row
        except IntegrityError:  # another worker created it first
            return session.scalar(query)

    def access_token(self) -> str:
        """The current access token, renewed first when it is known to be about to expire."""
        with self.sessions.begin() as session:
            row = self._row(session)
            due = row.expires_at is not None and row.expires_at - EARLY <= self.clock.now()
            if row.access_token and not due:
                return row.access_token
        return self.refresh(stale=None)

    def refresh(self, stale: str | None) -> str:
        """Exchange the refresh token; `stale` is the access token Zalo just refused (None: renew anyway)."""
        with self.sessions.begin() as session:
            row = self._row(session, lock=True)
            if stale is not None and row.access_token and row.access_token != stale:
                return row.access_token  # renewed by another worker while we waited for the lock
            if not row.refresh_token:
                raise TemporaryError("zalo: no refresh token; authorise the OA again")
            answer = self._exchange(row.refresh_token)
            row.access_token = answer["access_token"]
            row.refresh_token = answer["refresh_token"]
            row.expires_at = self.clock.now() + timedelta(seconds=int(answer.get("expires_in") or 90000))
            row.updated_at = self.clock.now()
            logger.info("zalo access token renewed; next refresh token stored")
            return row.access_token

    def _exchange(self, refresh_token: str) -> dict:
        url = self.settings.zalo_oauth_base_url.rstrip("/") + "/v4/oa/access_token"
        try:
            response = self.http.post(
                url,
                headers={"secret_key": self.settings.zalo_app_secret or ""},
                data={"refresh_token": refresh_token, "app_id": self.settings.zalo_app_id,
                      "grant_type": "refresh_token"},
                timeout=TIMEOUT,
            )
        except requests.RequestException as error:
            raise TemporaryError(f"zalo oauth: {type(error).__name__}") from error
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code != 200 or not answer.get("access_token") or not answer.get("refresh_token"):
            logger.error("zalo token refresh refused: HTTP %s, error %s", response.status_code,
                         answer.get("error"))
            raise TemporaryError(f"zalo oauth: HTTP {response.status_code} error {answer.get('error')}")
        return answer
