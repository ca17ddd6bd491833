"""The console's channels and costs page: per notification kind and per broadcast, how many went by
ZNS, SMS, Telegram and Zalo OA, their cost at ANSINH_PRICES and what ZNS saved against SMS."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from core.broadcasts.lifecycle import approve, create_broadcast, make_filters
from core.models import Officer, OutboxMessage
from core.notify.channel_costs import parse_prices
from core.outbox.dispatch import Dispatcher
from core.settings import SettingsError
from core.vietnamese_text import sms_size
from tests.support.console_support import (
    PHU_VINH,
    THUAN_HOA,
    make_beneficiary,
    make_officer,
    sign_in,
)
from tests.support.notify_support import FakeSender

TEMPLATES = Path(__file__).resolve().parents[2] / "docs" / "zns-templates.example.json"


@pytest.fixture
def settings(settings):
    return settings.with_(zalo_app_id="app", zalo_access_token="token", zalo_zns_templates=str(TEMPLATES),
                          prices="sms=350,zns=200")


@pytest.fixture
def sent_broadcast(sessions, settings, clock):
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
        make_officer(session, "hoa", "commune", PHU_VINH)
        make_officer(session, "tinh", "province", "46")
        make_beneficiary(session, "BT001", "Nguyễn Thị Lài", THUAN_HOA, phone="+84978451203",
                         guardian_phone="+84905318246")
        make_beneficiary(session, "BT002", "Hồ Văn Thọ", THUAN_HOA, chat=(("telegram", "555001"),),
                         channel="telegram")
        lan = session.scalar(select(Officer).where(Officer.username == "lan"))
        tinh = session.scalar(select(Officer).where(Officer.username == "tinh"))
        broadcast = create_broadcast(session, lan, "Họp dân lúc 8 giờ sáng thứ Bảy tại nhà văn hóa.",
                                     make_filters(session, lan, clock), clock)
        approve(session, broadcast, tinh, settings, clock)
        number = broadcast.id
    senders = {channel: FakeSender(channel) for channel in ("zns", "sms", "telegram")}
    Dispatcher(sessions, senders, clock, settings).run_once(100)
    return number


def test_counts_and_costs_per_kind_and_broadcast(client, sessions, sent_broadcast):
    with sessions() as session:
        ref = f"broadcast:{sent_broadcast}"
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.ref == ref)))
    assert sorted(r.channel for r in rows) == ["telegram", "zns", "zns"]
    segments = sum(sms_size(r.text).segments for r in rows if r.channel == "zns")
    sign_in(client, "lan")
    page = client.get("/console/channels").get_data(as_text=True)
    row = re.search(rf'<tr id="by-broadcast-broadcast-{sent_broadcast}">(.*?)</tr>', page, re.DOTALL).group(1)
    cells = dict(re.findall(r'data-channel="(\w+)">([^<]*)<', row))
    assert cells == {"zns": "2", "sms": "0", "telegram": "1", "zalo": "0"}
    assert re.search(r'class="num cost">400đ<', row)
    assert re.search(rf'class="num saved">{segments * 350 - 400:,}đ<'.replace(",", "."), row)
    topic = re.search(r'<tr id="by-topic-broadcast">(.*?)</tr>', page, re.DOTALL).group(1)
    assert dict(re.findall(r'data-channel="(\w+)">([^<]*)<', topic)) == cells


def test_an_officer_of_another_commune_sees_none_of_them(client, sent_broadcast):
    sign_in(client, "hoa")
    page = client.get("/console/channels").get_data(as_text=True)
    assert "by-broadcast-broadcast" not in page and "by-topic" not in page


@pytest.mark.parametrize("spec, expected", [("sms=350,zns=200", {"sms": 350.0, "zns": 200.0}), ("", {}),
                                            ("sms=350, zalo=0", {"sms": 350.0, "zalo": 0.0})])
def test_prices_are_read(spec, expected):
    assert parse_prices(spec) == expected


@pytest.mark.parametrize("spec", ["sms", "sms=abc", "fax=1", "sms=-1"])
def test_wrong_prices_name_the_variable(spec):
    with pytest.raises(SettingsError) as raised:
        parse_prices(spec)
    assert raised.value.name == "ANSINH_PRICES"


def test_unreadable_prices_are_said_on_the_page_not_a_500(client, runtime, sent_broadcast):
    runtime.__dict__["settings"] = runtime.settings.with_(prices="sms=ba tram")
    sign_in(client, "lan")
    response = client.get("/console/channels")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="bad-prices"' in page and "sms=ba tram" in page and 'class="num cost">0đ<' in page
