"""Zalo's single-use refresh token lives in the database and is spent once, even by many workers."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.zalo_tokens import ZaloTokens
from core.models import ProviderToken
from core.outbox.dispatch import TemporaryError
from tests.support.standins.server import StandIn
from tests.support.standins_bot import ZaloApi


@pytest.fixture
def zalo_api():
    with StandIn() as standin:
        yield ZaloApi(valid_access="access-0", valid_refresh="refresh-0").mount(standin)


@pytest.fixture
def settings(settings, zalo_api):
    return settings.with_(zalo_app_id="app1", zalo_app_secret="app-secret", zalo_access_token="access-0",
                          zalo_refresh_token="refresh-0", zalo_oauth_base_url=zalo_api.standin.url)


def oauth_calls(zalo_api) -> list:
    return zalo_api.standin.requests_to("/v4/oa/access_token")


def test_first_tokens_come_from_the_settings_and_are_stored(settings, sessions, clock):
    assert ZaloTokens(settings, sessions, clock).access_token() == "access-0"
    with sessions() as session:
        row = session.get(ProviderToken, "zalo")
        assert (row.access_token, row.refresh_token) == ("access-0", "refresh-0")


def test_refresh_stores_the_new_pair_and_sends_the_app_secret(settings, sessions, clock, zalo_api):
    assert ZaloTokens(settings, sessions, clock).refresh(stale="access-0") == "access-1"
    with sessions() as session:
        row = session.get(ProviderToken, "zalo")
        assert (row.access_token, row.refresh_token) == ("access-1", "refresh-1")
        assert row.expires_at == clock.now() + timedelta(seconds=90000)
    [call] = oauth_calls(zalo_api)
    assert call.header("secret_key") == "app-secret"
    assert call.form == {"refresh_token": "refresh-0", "app_id": "app1", "grant_type": "refresh_token"}


def test_a_second_worker_uses_the_token_another_one_renewed(settings, sessions, clock, zalo_api):
    first, second = ZaloTokens(settings, sessions, clock), ZaloTokens(settings, sessions, clock)
    assert first.access_token() == second.access_token() == "access-0"
    assert first.refresh(stale="access-0") == "access-1"
    assert second.refresh(stale="access-0") == "access-1"  # no second exchange of the spent refresh token
    assert len(oauth_calls(zalo_api)) == 1


def test_a_refused_refresh_keeps_the_stored_tokens(settings, sessions, clock, zalo_api):
    zalo_api.valid_refresh = "something-else"
    with pytest.raises(TemporaryError):
        ZaloTokens(settings, sessions, clock).refresh(stale="access-0")
    assert ZaloTokens(settings, sessions, clock).access_token() == "access-0"
    with sessions() as session:
        assert session.get(ProviderToken, "zalo").refresh_token == "refresh-0"


def test_a_token_about_to_expire_is_renewed_before_use(settings, sessions, clock, zalo_api):
    tokens = ZaloTokens(settings, sessions, clock)
    tokens.refresh(stale=None)
    clock.advance(seconds=90000 - 60)
    assert tokens.access_token() == "access-2"
    assert len(oauth_calls(zalo_api)) == 2
