"""Complaints and reported changes become tickets ('PA-2026-000123') for the unit's officer, who
calls the person back. The category is read from the words used, so officers can sort their queue."""
from __future__ import annotations

import logging

from core.answers.context import AnswerContext, national_phone, unit_of
from core.models import Beneficiary, Complaint, ComplaintEvent, Person
from core.vietnamese_text import fold

logger = logging.getLogger(__name__)

# Checked in order: the first category whose words occur wins (folded, whole words).
CATEGORY_WORDS = [
    ("scam",
     ("lua", "lua dao", "lua gat", "otp", "ma pin", "gia danh", "mao danh", "gia mao", "scam", "fraud",
              "chiem doat", "xung la", "xung can bo", "can bo gia", "cong an gia", "trung thuong", "link",
              "duong link",
              "password", "mat khau", "nguoi la goi")),
    ("fees", ("phi", "mat phi", "thu phi", "thu tien", "an chan", "fee", "fees", "charged")),
    ("short_paid", ("thieu", "it hon", "khong du", "bi tru", "bot", "cat xen", "short", "less")),
    ("not_received",
     ("chua nhan", "khong nhan", "chua ve", "khong ve", "chua co", "khong co tien", "chua lanh",
                      "khong lanh", "khong thay", "mat tien", "not received", "missing")),
]


def category_of(text: str, intent: str) -> str:
    """not_received, short_paid, fees, scam, change (any reported change) or other."""
    padded = f" {' '.join(fold(text).replace('?', ' ').replace(',', ' ').replace('.', ' ').split())} "
    found = next((category for category,
                  words in CATEGORY_WORDS if any(f" {word} " in padded for word in words)), None)
    if intent == "report_change":
        return "scam" if found == "scam" else "change"
    return found or "other"


def file_complaint(ctx: AnswerContext, *, text: str, intent: str, beneficiary: Beneficiary | None,
                   person: Person | None, reply_to: str, period: str | None = None,
                   category: str | None = None) -> Complaint:
    """A new ticket; `category` when the caller already knows it (a USSD menu choice)."""
    now = ctx.clock.now()
    complaint = Complaint(
        beneficiary_id=beneficiary.id if beneficiary is not None else None,
        person_id=person.id if person is not None else None,
        unit_code=beneficiary.unit_code if beneficiary is not None else None,
        category=category or category_of(text, intent), text=text[:2000], channel=ctx.channel,
        reply_to=reply_to[:64],
        status="new", period=period, created_at=now, updated_at=now,
    )
    ctx.session.add(complaint)
    ctx.session.flush()
    complaint.number = f"PA-{ctx.today.year}-{complaint.id:06d}"
    complaint.events.append(ComplaintEvent(at=now, actor=ctx.actor[:60], action="created",
                                           note=complaint.category))
    ctx.session.flush()
    logger.info("complaint %s (%s) filed on %s", complaint.number, complaint.category, ctx.channel)
    return complaint


def acknowledge(ctx: AnswerContext, complaint: Complaint) -> str:
    """The ticket number, who will call back, and a scam warning when it is about a scam."""
    t = ctx.t
    unit = unit_of(ctx, complaint.unit_code)
    if complaint.category == "change":
        head = t._("Your report of a change is recorded as %(number)s.", number=complaint.number)
    else:
        head = t._("Your complaint is recorded as %(number)s.", number=complaint.number)
    if ctx.is_ussd and unit is not None and unit.officer_phone:
        who = t._("The commune officer will call you back (%(phone)s).",
                  phone=national_phone(unit.officer_phone))
    elif unit is not None and unit.officer_name:
        who = t._("Officer %(officer)s of %(unit)s will call you back (phone %(phone)s).",
                  officer=unit.officer_name,
                  unit=unit.name, phone=national_phone(unit.officer_phone) or ctx.settings.hotline)
    elif unit is not None:
        who = t._("The People's Committee of %(unit)s will call you back.", unit=unit.name)
    else:
        who = t._("An officer will contact you. Urgent: call the hotline %(hotline)s.",
                  hotline=ctx.settings.hotline)
    required = [head, who]
    if complaint.category == "scam":
        required.append(ctx.pick(t._("Never give your OTP or PIN to anyone."),
                                 t.p_("ussd", "Never give your OTP or PIN to anyone.")))
    optional = (
        [t._("The change applies once the officer has checked it.")] if complaint.category == "change" else []
    )
    return ctx.compose(required, optional)
