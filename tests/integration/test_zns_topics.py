"""Every kind of notification to a phone is queued for ZNS with its template's parameters filled
from the right fields (docs/zns-templates.example.json), and by SMS when a value does not fit."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.models import Complaint
from core.complaints.workflow import reply
from tests.notify_support import (
    UNIT,
    beneficiary,
    import_payments,
    import_schedules,
    link,
    outbox,
    payment_row,
    person,
    schedule_row,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "docs" / "zns-templates.example.json"
SON = "+84905111222"


@pytest.fixture
def settings(settings):
    return settings.with_(zalo_app_id="app", zalo_access_token="token", zalo_zns_templates=str(TEMPLATES))


@pytest.fixture
def lai(sessions):
    with sessions.begin() as session:
        b = beneficiary(session, "HUE-0001", "Nguyễn Thị Lài", method="cash", provider=None)
        link(session, person(session, phone=SON), b)
        return b.id


def template(row) -> dict:
    assert row.channel == "zns", row.channel
    return json.loads(row.template_data)


def test_cash_days_fill_the_cash_day_template(sessions, settings, clock, lai):
    import_schedules(sessions, settings, clock, [schedule_row("12/2026", "02/12/2026", "04/12/2026")])
    [row] = outbox(sessions)
    assert row.topic == "cash_day"
    assert template(row) == {"template_id": "100004", "template_data": {
        "ten_doi_tuong": "Nguyễn Thị Lài", "ma_doi_tuong": "HUE-0001", "ky_chi_tra": "12/2026",
        "tu_ngay": "02/12/2026", "den_ngay": "04/12/2026", "gio": "7h30-11h00",
        "dia_diem": "Nhà văn hóa tổ 5"}}
    assert "Nha van hoa to 5" in row.text  # the SMS it falls back to


def test_a_failed_payment_fills_the_failed_template(sessions, settings, clock, lai):
    import_payments(sessions, settings, clock, [payment_row("HUE-0001", "Không thành công", method="Tiền mặt",
                                                            paid_on="", note="Vắng nhà")])
    [row] = outbox(sessions)
    assert row.topic == "payment_failed"
    assert template(row)["template_data"] == {"ten_doi_tuong": "Nguyễn Thị Lài", "ma_doi_tuong": "HUE-0001",
                                              "ky_chi_tra": "11/2026", "so_tien": 750000,
                                              "duong_day_nong": settings.hotline}


def test_a_place_longer_than_zalo_approved_goes_by_sms(sessions, settings, clock, lai):
    import_schedules(sessions, settings, clock,
                     [schedule_row("12/2026", "02/12/2026", place="Nhà văn hóa " * 20)])
    [row] = outbox(sessions)
    assert (row.channel, row.topic, row.template_data) == ("sms", "cash_day", None)


def test_a_complaint_answer_fills_the_answer_template(sessions, settings, clock, lai):
    with sessions.begin() as session:
        complaint = Complaint(beneficiary_id=lai, unit_code=UNIT, category="not_received", text="Chưa lãnh",
                              channel="sms", reply_to=SON, number="PA-2026-000001")
        session.add(complaint)
        session.flush()
        reply(session, complaint, "Chị Hoa sẽ mang tiền đến nhà bà chiều mai.", "officer:lan",
              settings=settings,
              clock=clock)
    [row] = outbox(sessions)
    assert (row.topic, row.kind) == ("complaint_answered", "reply")
    assert template(row)["template_data"] == {
        "so_phan_anh": "PA-2026-000001",
        "duong_day_nong": settings.hotline,
        "noi_dung_tra_loi": "Chị Hoa sẽ mang tiền đến nhà bà chiều mai.",
    }


def test_without_zns_settings_everything_stays_sms(sessions, settings, clock, lai):
    plain = settings.with_(zalo_zns_templates=None)
    import_schedules(sessions, plain, clock, [schedule_row("12/2026", "02/12/2026", "04/12/2026")])
    [row] = outbox(sessions)
    assert (row.channel, row.topic) == ("sms", "cash_day")
