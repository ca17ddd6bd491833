"""The officer's side of a complaint: assign, answer, resolve; each step in the ticket's history
and the audit log, and the person told through the outbox."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.i18n import Translator
from core.models import AuditLog, Complaint, Officer, Person
from core.complaints.workflow import assign, reply, resolve
from core.notify.errors import ActionRefused
from tests.notify_support import OTHER_UNIT, UNIT, beneficiary, link, outbox, person

LAI = "+84912345678"


@pytest.fixture
def ticket(sessions, clock):
    """Lài's complaint filed by SMS; officers lan (her ward), hoa (another commune), tinh (province)."""
    with sessions.begin() as session:
        lai = beneficiary(session, "HUE-0001", "Nguyễn Thị Lài")
        me = person(session, phone=LAI, telegram="4242", preferred="telegram")
        link(session, me, lai, "self")
        for username, role, unit in (("lan", "commune", UNIT), ("hoa", "commune", OTHER_UNIT),
                                     ("tinh", "province", "46")):
            session.add(Officer(username=username, password_hash="-", role=role, unit_code=unit))
        complaint = Complaint(beneficiary_id=lai.id, person_id=me.id, unit_code=UNIT, category="not_received",
                              text="Tháng ni chưa lãnh được tiền", channel="sms", reply_to=LAI,
                              number="PA-2026-000001")
        session.add(complaint)
        session.flush()
        return complaint.id


def _complaint(session, complaint_id) -> Complaint:
    return session.get(Complaint, complaint_id)


def test_assign_answer_resolve(sessions, settings, clock, ticket):
    with sessions.begin() as session:
        complaint = _complaint(session, ticket)
        assign(session, complaint, "lan", "officer:lan", clock=clock)
        assert (complaint.status, complaint.officer) == ("in_progress", "lan")
        reply(session, complaint, "Chị Hoa sẽ mang tiền đến nhà bà chiều mai.", "officer:lan",
              settings=settings, clock=clock)
        resolve(session, complaint, "officer:lan", "Đã chi trả tại nhà ngày 27/11.", settings=settings,
                clock=clock)
    with sessions() as session:
        complaint = _complaint(session, ticket)
        assert complaint.status == "resolved"
        assert [e.action for e in complaint.events] == ["assigned", "replied", "resolved"]
        audit = [row.action for row in session.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert audit == ["complaint.assigned", "complaint.replied", "complaint.resolved"]
    messages = outbox(sessions)
    # Where it was filed
    assert [(m.channel, m.address, m.kind) for m in messages] == [("sms", LAI, "reply")] * 2
    assert [m.text for m in messages] == [
        "Tra loi phan anh PA-2026-000001: Chi Hoa se mang tien den nha ba chieu mai.",
        "Phan anh PA-2026-000001 cua ong/ba da duoc giai quyet: Da chi tra tai nha ngay 27/11.",
    ]


def test_resolution_reaches_a_person_who_opted_out_and_a_ussd_filer_by_sms(sessions, settings, clock, ticket):
    with sessions.begin() as session:
        complaint = _complaint(session, ticket)
        complaint.channel = "ussd"
        session.get(Person, complaint.person_id).opted_out = True
        resolve(session, complaint, "officer:lan", None, settings=settings, clock=clock)
    (message,) = outbox(sessions)
    assert (message.channel, message.address) == ("sms", LAI)
    assert message.text == "Phan anh PA-2026-000001 cua ong/ba da duoc giai quyet. Cam on ong/ba."


def test_a_complaint_filed_on_the_console_is_answered_on_the_persons_channel(sessions, settings, clock,
                                                                             ticket):
    with sessions.begin() as session:
        complaint = _complaint(session, ticket)
        complaint.channel, complaint.reply_to = "console", None
        reply(session, complaint, "Đã kiểm tra, tiền sẽ về ngày mai.", "officer:lan", settings=settings,
              clock=clock)
    (message,) = outbox(sessions)
    assert (message.channel, message.address) == ("telegram", "4242")
    assert message.text == "Trả lời phản ánh PA-2026-000001: Đã kiểm tra, tiền sẽ về ngày mai."


@pytest.mark.parametrize("step, expected", [
    (lambda s, c, st: assign(s, c, "nobody", "officer:lan"), "Không có cán bộ nobody."),
    (lambda s, c, st: assign(s, c, "hoa", "officer:hoa"), "Cán bộ hoa không phụ trách xã/phường này."),
    (lambda s, c, st: reply(s, c, "   ", "officer:lan", settings=st), "Xin nhập nội dung trả lời."),
])
def test_refusals_are_explained_in_vietnamese(sessions, settings, ticket, step, expected):
    with sessions.begin() as session:
        with pytest.raises(ActionRefused) as refused:
            step(session, _complaint(session, ticket), settings)
        assert refused.value.message(Translator("vi")) == expected


def test_a_province_officer_may_take_any_ticket_but_a_resolved_one_stays_closed(sessions, settings, clock,
                                                                                ticket):
    with sessions.begin() as session:
        complaint = _complaint(session, ticket)
        assign(session, complaint, "tinh", "officer:tinh")
        resolve(session, complaint, "officer:tinh", "Xong", settings=settings)
        with pytest.raises(ActionRefused) as refused:
            resolve(session, complaint, "officer:tinh", "Xong", settings=settings)
        assert refused.value.message(Translator("vi")) == "Phản ánh PA-2026-000001 đã được giải quyết xong."
    assert len(outbox(sessions)) == 1
