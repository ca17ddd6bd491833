"""Broadcasts in the console: a preview with the recipient count, encoding, characters and SMS
segments; fields checked in Vietnamese; approval by a second officer only; a live status."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from core.models import Broadcast, OutboxMessage
from tests.console_support import (
    PHU_VINH,
    THUAN_HOA,
    make_beneficiary,
    make_officer,
    post,
    sign_in,
)

TEXT = "Kính gửi {ho_ten}: tiền tháng {ky} là {so_tien}."


@pytest.fixture
def commune(sessions):
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
        make_officer(session, "hoa", "commune", PHU_VINH)
        make_officer(session, "tinh", "province", "46")
        make_beneficiary(session, "BT001", "Nguyễn Thị Lài", THUAN_HOA, phone="+84978451203",
                         guardian_phone="+84905318246",
                         amount=750_000)
        make_beneficiary(session, "BT002", "Hồ Văn Thọ", THUAN_HOA, phone="+84382718345", opted_out=True)
        make_beneficiary(session, "BT003", "Lê Văn Lộc", PHU_VINH, phone="+84912000003")
    return sessions


def compose(client, action: str, **fields):
    data = {"text": TEXT, "period": "2026-11", "action": action, **fields}
    return post(client, "/console/broadcasts/new", data)


def test_the_preview_shows_count_encoding_and_segments(client, commune):
    sign_in(client, "lan")
    page = compose(client, "preview").get_data(as_text=True)
    assert "Sẽ có 2 người nhận (của 2 đối tượng)" in page
    assert "Kinh gui Nguyen Thi Lai: tien thang 11/2026 la 750.000d." in page
    assert re.search(r"Bảng mã GSM-7 · \d+ ký tự · 1 tin SMS", page)
    with commune() as session:
        assert session.scalar(select(func.count()).select_from(Broadcast)) == 0


def test_unknown_fields_are_refused_in_vietnamese(client, commune):
    sign_in(client, "lan")
    response = compose(client, "preview", text="Kính gửi {ten_day_du}")
    assert response.status_code == 422
    assert "Không có trường {ten_day_du}" in response.get_data(as_text=True)


def test_a_commune_officer_cannot_pick_another_commune(client, commune):
    sign_in(client, "lan")
    response = compose(client, "create", units=PHU_VINH)
    assert response.status_code == 422 and "ngoài phạm vi" in response.get_data(as_text=True)


def test_approval_needs_a_second_officer_with_authority(client, commune):
    sign_in(client, "lan")
    created = compose(client, "create")
    assert created.status_code == 302
    broadcast_url = created.headers["Location"]
    page = client.get(broadcast_url).get_data(as_text=True)
    assert "Chờ duyệt" in page and "không thể tự duyệt" in page and 'id="approve-button"' not in page

    refused = post(client, broadcast_url + "/approve")
    assert "không thể tự duyệt" in client.get(refused.headers["Location"]).get_data(as_text=True)
    with commune() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0

    sign_in(client, "hoa")
    assert client.get(broadcast_url).status_code == 403
    post(client, broadcast_url + "/approve")
    with commune() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    sign_in(client, "tinh")
    assert 'id="approve-button"' in client.get(broadcast_url).get_data(as_text=True)
    post(client, broadcast_url + "/approve")
    with commune() as session:
        addresses = sorted(session.scalars(select(OutboxMessage.address)))
    assert addresses == ["+84905318246", "+84978451203"]
    status = client.get(broadcast_url + "/status").get_json()
    assert status["recipients"] == 2 and status["queued"] == 2 and status["status_label"] == "Đang gửi"


def test_the_author_may_withdraw_it(client, commune):
    sign_in(client, "lan")
    broadcast_url = compose(client, "create").headers["Location"]
    post(client, broadcast_url + "/reject")
    assert "Đã rút lại" in client.get(broadcast_url).get_data(as_text=True)


def test_a_schedule_in_the_past_is_refused(client, commune):
    sign_in(client, "lan")
    response = compose(client, "create", send_date="2026-11-01", send_time="08:00")
    assert response.status_code == 422 and "Thời điểm gửi đã qua" in response.get_data(as_text=True)
