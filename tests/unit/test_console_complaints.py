"""The complaints inbox: one's own unit only, assign, reply and resolve, and the person is told."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import Complaint, Contact, OutboxMessage
from tests.console_support import (
    PHU_VINH,
    THUAN_HOA,
    make_beneficiary,
    make_officer,
    post,
    sign_in,
)


@pytest.fixture
def inbox(sessions):
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
        make_officer(session, "hoa", "commune", PHU_VINH)
        lai = make_beneficiary(session, "BT001", "Nguyễn Thị Lài", THUAN_HOA, phone="+84978451203")
        loc = make_beneficiary(session, "BT002", "Lê Văn Lộc", PHU_VINH, phone="+84912000002")
        for number, who in (("PA-2026-000001", lai), ("PA-2026-000002", loc)):
            person = session.scalar(select(Contact.person_id).where(Contact.beneficiary_id == who.id))
            session.add(Complaint(number=number, beneficiary_id=who.id, person_id=person,
                                  unit_code=who.unit_code,
                                  category="not_received", text="Tiền tháng 11 chưa về", channel="sms",
                                  reply_to="+84978451203" if who is lai else "+84912000002", status="new"))
    return sessions


def complaint_id(sessions, number: str) -> int:
    with sessions() as session:
        return session.scalar(select(Complaint.id).where(Complaint.number == number))


def test_the_list_shows_the_officers_unit_only(client, inbox):
    sign_in(client, "lan")
    page = client.get("/console/complaints").get_data(as_text=True)
    assert "PA-2026-000001" in page and "PA-2026-000002" not in page and "Chưa nhận được tiền" in page
    assert client.get(f"/console/complaints/{complaint_id(inbox, 'PA-2026-000002')}").status_code == 403


def test_assign_reply_and_resolve_tell_the_person(client, inbox):
    sign_in(client, "lan")
    number = complaint_id(inbox, "PA-2026-000001")
    url = f"/console/complaints/{number}"
    post(client, url + "/assign", {"officer": "lan"})
    post(client, url + "/reply", {"text": "Tiền đã chuyển ngày 25/11, ông bà kiểm tra giúp."})
    post(client, url + "/resolve", {"note": "Đã nhận tiền."})
    page = client.get(url).get_data(as_text=True)
    history = page[page.index('id="complaint-history"'):]
    assert "Đã giải quyết" in page and "Giao xử lý" in history and "Đã trả lời" in history
    assert "Lan" in history and "officer:" not in history and "assigned" not in history
    with inbox() as session:
        sent = list(session.scalars(select(OutboxMessage).where(OutboxMessage.address == "+84978451203")
                                    .order_by(OutboxMessage.id)))
        found = session.get(Complaint, number)
    assert found.status == "resolved" and found.officer == "lan"
    assert len(sent) == 2 and all(m.kind == "reply" for m in sent)
    assert "PA-2026-000001" in sent[0].text and "25/11" in sent[0].text


def test_another_commune_cannot_act(client, inbox):
    sign_in(client, "hoa")
    url = f"/console/complaints/{complaint_id(inbox, 'PA-2026-000001')}"
    assert post(client, url + "/resolve", {"note": "x"}).status_code == 403
    with inbox() as session:
        assert session.scalar(select(Complaint.status).where(Complaint.number == "PA-2026-000001")) == "new"


def test_an_empty_answer_is_refused(client, inbox):
    sign_in(client, "lan")
    url = f"/console/complaints/{complaint_id(inbox, 'PA-2026-000001')}"
    page = client.get(post(client, url + "/reply", {"text": "  "}).headers["Location"]).get_data(as_text=True)
    assert 'class="flash error"' in page
