"""Reference data every deployment needs, loaded idempotently after migrations: the 2025
administrative units (from `vietnam-provinces`), the two programmes, the Decree 20 categories
and the standard levels with their effective dates (DOMAIN.md); and the payment providers' names
(core/imports/providers.py), with stored names brought to the one name each provider has."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Category, Programme, StandardLevel, Unit
from core.imports.providers import rename_stored, seed_providers

HUE_PROVINCE_CODE = "46"

PROGRAMMES = {
    "TCXH": "Trợ cấp xã hội hàng tháng",
    "HTXH": "Trợ cấp hưu trí xã hội",
}

# code: (programme, Vietnamese name, coefficient) — Decree 20/2021/NĐ-CP Article 6.
CATEGORIES = {
    "TE_MC_U4": ("TCXH", "Trẻ em mồ côi, không có nguồn nuôi dưỡng dưới 4 tuổi", "2.5"),
    "TE_MC_4_16": ("TCXH", "Trẻ em mồ côi, không có nguồn nuôi dưỡng từ 4 đến dưới 16 tuổi", "1.5"),
    "TE_16_22": ("TCXH", "Người từ 16 đến 22 tuổi đang đi học, không có nguồn nuôi dưỡng", "1.5"),
    "TE_HIV_U4": ("TCXH", "Trẻ em nhiễm HIV thuộc hộ nghèo dưới 4 tuổi", "2.5"),
    "TE_HIV_4_16": ("TCXH", "Trẻ em nhiễm HIV thuộc hộ nghèo từ 4 đến dưới 16 tuổi", "2.0"),
    "DON_THAN": ("TCXH", "Người đơn thân nghèo đang nuôi con (mỗi con)", "1.0"),
    "NCT_NGHEO_60": ("TCXH", "Người cao tuổi nghèo không có người phụng dưỡng, 60 đến 80 tuổi", "1.5"),
    "NCT_NGHEO_80": ("TCXH", "Người cao tuổi nghèo không có người phụng dưỡng, từ 80 tuổi", "2.0"),
    "NCT_75_DTTS": ("TCXH", "Người 75 đến 80 tuổi thuộc hộ nghèo, cận nghèo ở xã dân tộc thiểu số miền núi",
                    "1.0"),
    "NCT_80": ("TCXH", "Người từ 80 tuổi không có lương hưu", "1.0"),
    "NCT_CONG_DONG": ("TCXH", "Người cao tuổi nghèo đủ điều kiện vào cơ sở, được chăm sóc tại cộng đồng",
                      "3.0"),
    "NKT_NANG": ("TCXH", "Người khuyết tật nặng", "1.5"),
    "NKT_NANG_TE_NCT": ("TCXH", "Người khuyết tật nặng là trẻ em hoặc người cao tuổi", "2.0"),
    "NKT_DBN": ("TCXH", "Người khuyết tật đặc biệt nặng", "2.0"),
    "NKT_DBN_TE_NCT": ("TCXH", "Người khuyết tật đặc biệt nặng là trẻ em hoặc người cao tuổi", "2.5"),
    "HTXH_75": ("HTXH", "Người từ 75 tuổi không có lương hưu (trợ cấp hưu trí xã hội)", "1.0"),
    "HTXH_70_NGHEO": ("HTXH", "Người 70 đến 74 tuổi thuộc hộ nghèo, cận nghèo (trợ cấp hưu trí xã hội)",
                      "1.0"),
}

# (programme, effective from, amount, legal basis)
STANDARD_LEVELS = [
    ("TCXH", date(2013, 1, 1), 270_000, "Nghị định 136/2013/NĐ-CP"),
    ("TCXH", date(2021, 7, 1), 360_000, "Nghị định 20/2021/NĐ-CP"),
    ("TCXH", date(2024, 7, 1), 500_000, "Nghị định 76/2024/NĐ-CP"),
    ("HTXH", date(2025, 7, 1), 500_000, "Nghị định 176/2025/NĐ-CP"),
]

_KIND = {"tỉnh": "tinh", "thành phố trung ương": "thanh_pho", "xã": "xa", "phường": "phuong",
         "đặc khu": "dac_khu"}


def seed_units(session: Session, province_codes: list[str] | None = None) -> int:
    """Insert the provinces and their commune-level units that are missing. Returns how many."""
    from vietnam_provinces import Province, Ward

    existing = set(session.scalars(select(Unit.code)))
    added = 0
    for province in Province.iter_all():
        code = f"{int(province.code):02d}"
        if province_codes and code not in province_codes:
            continue
        if code not in existing:
            session.add(Unit(code=code, name=province.name, kind=_KIND[province.division_type.value]))
            added += 1
    session.flush()
    for ward in Ward.iter_all():
        province_code = f"{int(ward.province_code):02d}"
        if province_codes and province_code not in province_codes:
            continue
        code = f"{int(ward.code):05d}"
        if code not in existing:
            session.add(Unit(code=code, name=ward.name, kind=_KIND[ward.division_type.value],
                             parent_code=province_code))
            added += 1
    return added


def seed_reference(session: Session) -> None:
    """Programmes, categories, standard levels and all units; safe to run again."""
    for code, name in PROGRAMMES.items():
        if session.get(Programme, code) is None:
            session.add(Programme(code=code, name=name))
    session.flush()
    for code, (programme, name, coefficient) in CATEGORIES.items():
        if session.get(Category, code) is None:
            session.add(Category(code=code, programme_code=programme, name=name,
                                 coefficient=Decimal(coefficient)))
    known = {
        (level.programme_code, level.effective_from)
        for level in session.scalars(select(StandardLevel).where(StandardLevel.unit_code.is_(None)))
    }
    for programme, start, amount, basis in STANDARD_LEVELS:
        if (programme, start) not in known:
            session.add(StandardLevel(programme_code=programme, effective_from=start, amount=amount,
                                      legal_basis=basis))
    seed_units(session)
    seed_providers(session)
    rename_stored(session)
    session.flush()


def standard_level(session: Session, programme_code: str, on: date,
                   unit_code: str | None = None) -> StandardLevel | None:
    """The level in force on a date: a province's own (higher) level wins over the national one."""
    candidates = [None]
    if unit_code:
        unit = session.get(Unit, unit_code)
        candidates = [unit_code, unit.parent_code if unit else None, None]
    for code in candidates:
        query = select(StandardLevel).where(
            StandardLevel.programme_code == programme_code,
            StandardLevel.effective_from <= on,
            StandardLevel.unit_code.is_(None) if code is None else StandardLevel.unit_code == code,
        ).order_by(StandardLevel.effective_from.desc()).limit(1)
        level = session.scalars(query).first()
        if level is not None:
            return level
    return None
