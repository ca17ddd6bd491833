"""Beneficiaries: search by code, name (with or without diacritics) or phone, and one page with
payments, contacts, consent, messages and complaints. A national ID is never shown; account
numbers are masked; full phone numbers only to the commune officer of that unit. Every search
and every page viewed is in the audit log."""
from __future__ import annotations

import re

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import or_, select

from console.web import audit, bp, db, forbidden, login_required, not_found_page, scope_codes, tr
from console.wording import sees_full_phones
from core.models import (
    Beneficiary,
    Category,
    Complaint,
    Contact,
    Identity,
    OutboxMessage,
    Payment,
    Person,
    Programme,
    Unit,
)
from core.officers.accounts import actor_name, can_act_on
from core.phones import mask_phone, normalize_phone
from core.privacy import may_erase
from core.vietnamese_text import fold

LIMIT = 50
_CODE = re.compile(r"[A-Z0-9._-]{3,30}")
_PHONE_LIKE = re.compile(r"[\d\s.+()\-]{8,20}")


def _typed_phone(text: str) -> str | None:
    return normalize_phone(text) if _PHONE_LIKE.fullmatch(text) else None


def search(s, text: str, codes: list[str] | None) -> list[Beneficiary]:
    text = (text or "").strip()[:100]
    if not text:
        return []
    conditions = []
    phone = _typed_phone(text)
    if phone:
        owners = (select(Contact.beneficiary_id).join(Identity, Identity.person_id == Contact.person_id)
                  .where(Identity.kind == "phone", Identity.address == phone, Contact.removed_at.is_(None)))
        conditions.append(Beneficiary.id.in_(owners))
    code = re.sub(r"\s+", "", text).upper()
    if _CODE.fullmatch(code) and any(ch.isdigit() for ch in code):
        conditions.append(Beneficiary.code == code)
        conditions.append(Beneficiary.code.like(_like(code) + "%", escape="\\"))
    folded = fold(text)
    if any(ch.isalpha() for ch in folded):
        conditions.append(Beneficiary.name_ascii.like("%" + _like(folded) + "%", escape="\\"))
    if not conditions:
        return []
    query = select(Beneficiary).where(or_(*conditions))
    if codes is not None:
        query = query.where(Beneficiary.unit_code.in_(codes))
    return list(s.scalars(query.order_by(Beneficiary.name_ascii, Beneficiary.code).limit(LIMIT)))


def _audited_query(text: str) -> str:
    """What the audit log keeps of a search: who looked for whom, but never a full phone number."""
    text = text.strip()[:100]
    phone = _typed_phone(text)
    return mask_phone(phone) if phone else text


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@bp.get("/beneficiaries")
@login_required
def beneficiaries():
    text = request.args.get("q", "")
    results, units = [], {}
    with db() as s:
        if text.strip():
            results = search(s, text, scope_codes(s))
            units = dict(
                s.execute(
                    select(Unit.code, Unit.name).where(Unit.code.in_({b.unit_code for b in results}))
                ).all()
            )
            audit(s, "beneficiary.search", query=_audited_query(text), results=len(results))
    return render_template("console/beneficiaries.html", q=text, results=results, units=units, limit=LIMIT)


def in_scope(s, code: str, *, refusal: str | None = None, erased_missing: bool = False):
    """(beneficiary, unit, None) when the officer may act on the beneficiary with this code, else
    (None, None, the 404 or 403 page). A refusal is audited under `refusal` when one is given; with
    `erased_missing`, an erased beneficiary is not found either."""
    beneficiary = s.scalar(select(Beneficiary).where(Beneficiary.code == code.strip().upper()))
    if beneficiary is None or (erased_missing and beneficiary.erased_at is not None):
        return None, None, not_found_page(tr()._("There is no beneficiary with this code."))
    unit = s.get(Unit, beneficiary.unit_code)
    if not can_act_on(g.officer, unit.code, unit.parent_code):
        if refusal:
            audit(s, refusal, beneficiary.id)
        return None, None, forbidden()
    return beneficiary, unit, None


@bp.get("/beneficiaries/<code>")
@login_required
def beneficiary(code: str):
    with db() as s:
        person_b, unit, refused = in_scope(s, code, refusal="beneficiary.view_refused")
        if refused is not None:
            return refused
        full_phones = sees_full_phones(unit.code)
        contacts = []
        for contact, person in s.execute(
            select(Contact, Person)
            .join(Person, Person.id == Contact.person_id)
            .where(Contact.beneficiary_id == person_b.id)
            .order_by(Contact.role != "self", Contact.id)
        ):
            identities = list(
                s.scalars(select(Identity).where(Identity.person_id == person.id).order_by(Identity.id))
            )
            contacts.append({"contact": contact, "person": person, "identities": [
                {"kind": i.kind, "address": _shown(i, full_phones), "verified": i.verified,
                 "opted_out": i.opted_out}
                for i in identities]})
        categories = list(s.execute(select(Category.code, Category.name, Category.coefficient)
                                    .where(Category.code.in_(person_b.category_codes))))
        programme = s.get(Programme, person_b.programme_code)
        payments = list(s.scalars(select(Payment).where(Payment.beneficiary_id == person_b.id)
                                  .order_by(Payment.period.desc()).limit(24)))
        messages = list(s.scalars(select(OutboxMessage).where(OutboxMessage.beneficiary_id == person_b.id)
                                  .order_by(OutboxMessage.id.desc()).limit(50)))
        complaints = list(s.scalars(select(Complaint).where(Complaint.beneficiary_id == person_b.id)
                                    .order_by(Complaint.id.desc()).limit(20)))
        audit(s, "beneficiary.view", person_b.id, full_phones=full_phones)
    return render_template("console/beneficiary.html", b=person_b, unit=unit, contacts=contacts,
                           categories=categories,
                           programme=programme, payments=payments, messages=messages, complaints=complaints,
                           full_phones=full_phones, may_erase=may_erase(g.officer, unit), mask=lambda a,
                           kind="phone": a if full_phones and kind == "phone" else _mask(a))


def _mask(address: str | None) -> str:
    return mask_phone(address)


def _shown(identity: Identity, full_phones: bool) -> str:
    if identity.kind == "phone" and full_phones:
        return identity.address
    return mask_phone(identity.address)


@bp.post("/beneficiaries/<code>/contacts/<int:person_id>/remove")
@login_required
def remove_contact(code: str, person_id: int):
    from core.notify.errors import ActionRefused
    from core.notify.recipients import remove_guardian

    t = tr()
    with db() as s:
        person_b, _unit, refused = in_scope(s, code)
        if refused is not None:
            return refused
        try:
            remove_guardian(s, person_b.id, person_id, actor_name(g.officer), "console")
        except ActionRefused as refused:
            flash(refused.message(t), "error")
        else:
            flash(t._("The guardian was removed: they no longer hear about this beneficiary."), "ok")
    return redirect(url_for("console.beneficiary", code=person_b.code))
