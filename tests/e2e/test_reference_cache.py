"""Units (name, officer, phone) are kept in the process for a minute instead of read on every
answer; a change made through this process shows in the very next answer, one made elsewhere
within the cache's time to live."""
from __future__ import annotations

from core.models import Unit
from core.storage.reference_cache import cache_of
from tests.e2e.test_sms_twilio import inbound, messages, signed_post
from tests.ussd_factories import LAI_PHONE, build_world


def _ask_officer(client, settings) -> str:
    return messages(signed_post(client, settings, "/sms/twilio", inbound(LAI_PHONE, "CANBO")))[0]


def _set_officer_phone(sessions, phone: str) -> None:
    with sessions.begin() as session:
        session.get(Unit, "19945").officer_phone = phone  # Lài's commune


def test_an_officer_changed_here_is_named_in_the_next_answer(client, settings, sessions):
    build_world(sessions)
    _set_officer_phone(sessions, "+84234111222")
    assert "0234111222" in _ask_officer(client, settings)
    _set_officer_phone(sessions, "+84234999888")
    answer = _ask_officer(client, settings)
    assert "0234999888" in answer and "0234111222" not in answer


def test_a_change_made_elsewhere_shows_once_the_entry_expires(client, settings, sessions, engine):
    build_world(sessions)
    _set_officer_phone(sessions, "+84234111222")
    assert "0234111222" in _ask_officer(client, settings)
    with engine.begin() as connection:  # another process: this one's sessions see no ORM change
        connection.execute(
            Unit.__table__.update().where(Unit.code == "19945").values(officer_phone="+84234555666")
        )
    assert "0234111222" in _ask_officer(client, settings)  # still the cached entry
    with sessions() as session:
        cache_of(session).ttl = 0.0
        cache_of(session).clear()
    assert "0234555666" in _ask_officer(client, settings)
