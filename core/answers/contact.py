"""Whom to talk to: the officer in charge of a unit (name, phone, office) and the province's hotline.
Public information, so it needs no verification and writes no disclosure."""
from __future__ import annotations

import logging

from core.answers.context import AnswerContext, national_phone, unit_of
from core.models import Beneficiary

logger = logging.getLogger(__name__)


def contact_officer(ctx: AnswerContext, beneficiary: Beneficiary | None, unit_code: str | None = None) -> str:
    t = ctx.t
    hotline = ctx.settings.hotline
    unit = unit_of(ctx, unit_code or (beneficiary.unit_code if beneficiary is not None else None))
    if unit is None:
        return ctx.pick(
            t._("Please contact the People's Committee of your commune or ward, or call the hotline "
                "%(hotline)s.", hotline=hotline),
            t.p_("ussd",
                 "Please contact the People's Committee of your commune or ward, or call the hotline "
                 "%(hotline)s.", hotline=hotline))
    if unit.officer_name and unit.officer_phone:
        head = t._("The officer in charge at %(unit)s: %(officer)s, phone %(phone)s.",
                   unit=unit.name, officer=unit.officer_name, phone=national_phone(unit.officer_phone))
    elif unit.officer_phone:
        head = t._("The office in charge at %(unit)s: phone %(phone)s.", unit=unit.name,
                   phone=national_phone(unit.officer_phone))
    else:
        head = t._("Please contact the People's Committee of %(unit)s.", unit=unit.name)
    optional = [t._("Office: %(address)s.", address=unit.office_address) if unit.office_address else ""]
    return ctx.compose([head, t._("Hotline: %(hotline)s.", hotline=hotline)], optional)
