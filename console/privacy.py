"""Personal data from the beneficiary page: export everything held about the beneficiary or one
of their contacts (JSON, any officer of the unit), and erase either (a province administrator of
the unit, after typing the code or the phone's last 4 digits). Every export and erasure is audited
with ids only."""
from __future__ import annotations

import json

from flask import Response, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from console.beneficiaries import in_scope
from console.web import (
    audit,
    bp,
    db,
    error_page,
    login_required,
    not_found_page,
    runtime,
    scope_codes,
    tr,
)
from core.models import Contact, Identity, Person
from core.officers.accounts import actor_name
from core.phones import mask_phone
from core.privacy import may_erase
from core.privacy.erase import erase_beneficiary, erase_person
from core.privacy.export import export_beneficiary, export_person


def _json(data: dict, filename: str) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


def _beneficiary_in_scope(s, code: str):
    """(beneficiary, unit, None) or (None, None, an error response)."""
    return in_scope(s, code, refusal="privacy.refused", erased_missing=True)


def _erasable(s, code: str):
    """(beneficiary, None) when the officer may erase here, else (…, an error response)."""
    beneficiary, unit, refused = _beneficiary_in_scope(s, code)
    if refused is None and not may_erase(g.officer, unit):
        refused = _not_allowed()
    return beneficiary, refused


def _not_a_contact():
    return not_found_page(tr()._("This person is not a contact of this beneficiary."))


def _contact_person(s, beneficiary_id: int, person_id: int) -> Person | None:
    return s.scalar(select(Person).join(Contact, Contact.person_id == Person.id)
                    .where(Contact.beneficiary_id == beneficiary_id, Person.id == person_id))


def _phone_of(s, person: Person) -> str | None:
    return s.scalar(select(Identity.address).where(Identity.person_id == person.id, Identity.kind == "phone")
                    .order_by(Identity.id).limit(1))


@bp.get("/beneficiaries/<code>/export.json")
@login_required
def export_beneficiary_json(code: str):
    with db() as s:
        beneficiary, _unit, refused = _beneficiary_in_scope(s, code)
        if refused:
            return refused
        data = export_beneficiary(s, beneficiary, actor_name(g.officer), runtime().clock.now())
        audit(s, "privacy.export", beneficiary.id, subject="beneficiary")
        filename = f"ansinh-{beneficiary.code}.json"
    return _json(data, filename)


@bp.get("/beneficiaries/<code>/persons/<int:person_id>/export.json")
@login_required
def export_person_json(code: str, person_id: int):
    with db() as s:
        beneficiary, _unit, refused = _beneficiary_in_scope(s, code)
        if refused:
            return refused
        person = _contact_person(s, beneficiary.id, person_id)
        if person is None:
            return _not_a_contact()
        data = export_person(s, person, None, actor_name(g.officer), runtime().clock.now(), scope_codes(s))
        audit(s, "privacy.export", beneficiary.id, subject="person", person_id=person.id)
    return _json(data, f"ansinh-person-{person_id}.json")


@bp.get("/beneficiaries/<code>/erase")
@login_required
def erase_form(code: str):
    with db() as s:
        beneficiary, refused = _erasable(s, code)
        if refused:
            return refused
        person, phone = _asked_person(s, beneficiary.id)
    return render_template("console/erase.html", b=beneficiary, person=person,
                           phone=mask_phone(phone) if phone else None)


def _asked_person(s, beneficiary_id: int) -> tuple[Person | None, str | None]:
    person_id = request.args.get("person", type=int)
    person = _contact_person(s, beneficiary_id, person_id) if person_id else None
    return person, _phone_of(s, person) if person else None


def _not_allowed():
    return error_page(tr()._("Only a province administrator may erase personal data."), 403)


@bp.post("/beneficiaries/<code>/erase")
@login_required
def erase_beneficiary_post(code: str):
    t = tr()
    with db() as s:
        beneficiary, refused = _erasable(s, code)
        if refused:
            return refused
        typed = (request.form.get("confirm") or "").strip().upper()
        if typed != beneficiary.code.upper():
            flash(t._("The code you typed does not match. Nothing was erased."), "error")
            return render_template("console/erase.html", b=beneficiary, person=None, phone=None), 400
        erase_beneficiary(s, beneficiary, actor_name(g.officer), "console", runtime().clock.now(),
                          runtime().state)
        kept_as = beneficiary.code
    flash(t._("The beneficiary's personal data was erased. Payments are kept for accounting under the code "
              "%(code)s.",
              code=kept_as), "ok")
    return redirect(url_for("console.beneficiaries"))


@bp.post("/beneficiaries/<code>/persons/<int:person_id>/erase")
@login_required
def erase_person_post(code: str, person_id: int):
    t = tr()
    with db() as s:
        beneficiary, refused = _erasable(s, code)
        if refused:
            return refused
        person = _contact_person(s, beneficiary.id, person_id)
        if person is None:
            return _not_a_contact()
        phone = _phone_of(s, person)
        expected = phone[-4:] if phone else beneficiary.code.upper()
        if (request.form.get("confirm") or "").strip().upper() != expected:
            flash(t._("What you typed does not match. Nothing was erased."), "error")
            return render_template("console/erase.html", b=beneficiary, person=person,
                                   phone=mask_phone(phone) if phone else None), 400
        erase_person(s, person, actor_name(g.officer), "console", runtime().clock.now(), runtime().state)
        back = beneficiary.code
    flash(t._("The person and everything that named them were erased."), "ok")
    return redirect(url_for("console.beneficiary", code=back))
