"""What the approving officer reads, on 07/12/2026 at 22:00 with quiet hours 21:00–07:00: the
broadcast as three real recipients will receive it (their own names and amounts, folded for SMS,
with characters and segments; characters only on Zalo), their phones masked, and when quiet hours
will let it go out. Dates and periods are typed the Vietnamese way."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.clock import FakeClock
from core.models import Broadcast
from tests.support.console_support import (
    THUAN_HOA,
    make_beneficiary,
    make_officer,
    make_payment,
    post,
    sign_in,
)

HUE = ZoneInfo("Asia/Ho_Chi_Minh")
TEXT = "Kính gửi {ho_ten}: tiền tháng {ky} là {so_tien}, nhận từ ngày 08/12 tại UBND phường."
PHONES = ("+84978451203", "+84905318246", "+84382718345", "+84912000004")


@pytest.fixture
def settings(settings):
    return replace(settings, quiet_hours="21:00-07:00")


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 12, 7, 22, 0, tzinfo=HUE))


@pytest.fixture
def ward(sessions):
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
        make_officer(session, "tinh", "province", "46")
        lai = make_beneficiary(session, "BT001", "Nguyễn Thị Lài", THUAN_HOA, phone=PHONES[0],
                               guardian_phone=PHONES[1], amount=750_000)
        tho = make_beneficiary(session, "BT002", "Hồ Văn Thọ", THUAN_HOA, phone=PHONES[2], amount=500_000)
        ngoc = make_beneficiary(session, "BT003", "Lê Thị Bảo Ngọc Nguyễn Phương Thảo Hoàng", THUAN_HOA,
                                chat=(("zalo", "zalo-user-55501234"),), channel="zalo", amount=1_080_000)
        make_beneficiary(session, "BT004", "Phan Văn Lộc", THUAN_HOA, phone=PHONES[3])
        for who in (lai, tho, ngoc):
            make_payment(session, who, "2026-12", "scheduled")
    return sessions


def _created(client, **fields) -> str:
    form = {"text": TEXT, "period": "12/2026", "action": "create", **fields}
    response = post(client, "/console/broadcasts/new", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _samples(page: str) -> list[str]:
    card = r'<div class="card sample" data-channel="(\w+)">(.*?)</div>\s*(?=<div class="card sample"|</div>)'
    return re.findall(card, page, re.S)


def test_the_approver_reads_it_as_three_recipients_will(client, ward):
    sign_in(client, "lan")
    url = _created(client)
    sign_in(client, "tinh")
    page = client.get(url).get_data(as_text=True)
    samples = _samples(page)
    assert len(samples) == 3
    texts = " ".join(body for _, body in samples)
    assert "Kinh gui Nguyen Thi Lai: tien thang 12/2026 la 750.000d" in texts, "filled and folded for SMS"
    assert "Kinh gui Ho Van Tho: tien thang 12/2026 la 500.000d" in texts
    assert "Kính gửi Lê Thị Bảo Ngọc Nguyễn Phương Thảo Hoàng: tiền tháng 12/2026 là 1.080.000đ" in texts, \
        "on Zalo as written"
    channels = [channel for channel, _ in samples]
    assert channels.count("sms") == 2 and channels.count("zalo") == 1
    for channel, body in samples:
        if channel == "sms":
            assert re.search(r"Bảng mã GSM-7 · \d+ ký tự · 1 tin SMS", body)
        else:
            assert re.search(r"\d+ ký tự", body) and "tin SMS" not in body
    assert "…1203" in texts and "…8345" in texts and "…1234" in texts
    assert not any(phone in page or "0" + phone[3:] in page for phone in PHONES), "recipients' phones masked"
    assert "Nếu duyệt bây giờ, thông báo sẽ gửi từ 07:00 ngày 08/12 do giờ yên tĩnh (21:00–07:00)." in page


def test_a_long_text_shows_its_segments_and_that_it_will_be_cut(client, ward):
    sign_in(client, "lan")
    url = _created(client, text=TEXT + " Mang theo giấy tờ tùy thân." * 16)
    sign_in(client, "tinh")
    page = client.get(url).get_data(as_text=True)
    assert re.search(r"Bảng mã GSM-7 · [\d.]+ ký tự · 3 tin SMS", page)
    assert "Tin SMS này dài hơn mức hệ thống gửi nên sẽ bị cắt bớt" in page


def test_a_time_typed_the_vietnamese_way_and_held_by_quiet_hours(client, ward, clock):
    sign_in(client, "lan")
    url = _created(client, send_date="08/12/2026", send_time="22h30")
    with ward() as session:
        scheduled = session.scalar(select(Broadcast.scheduled_at))
    assert scheduled.astimezone(HUE) == datetime(2026, 12, 8, 22, 30, tzinfo=HUE)
    sign_in(client, "tinh")
    page = client.get(url).get_data(as_text=True)
    assert "Thông báo sẽ gửi từ 07:00 ngày 09/12 do giờ yên tĩnh (21:00–07:00)." in page
    assert "08/12/2026 22:30" in page


@pytest.mark.parametrize("field, typed, message", [
    ("send_date", "31/02/2026", "Xin viết ngày theo dạng ngày/tháng/năm, ví dụ 01/12/2026."),
    ("send_time", "25:00", "Xin viết giờ theo dạng giờ:phút, ví dụ 07:30."),
    ("period", "13/2026", "Xin viết kỳ chi trả theo dạng tháng/năm, ví dụ 12/2026."),
])
def test_a_mistyped_date_is_explained(client, ward, field, typed, message):
    sign_in(client, "lan")
    fields = {"text": TEXT, "period": "12/2026", "action": "preview", "send_date": "08/12/2026", field: typed}
    response = post(client, "/console/broadcasts/new", fields)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert f'value="{typed}"' in response.get_data(as_text=True), "what was typed stays in the form"
