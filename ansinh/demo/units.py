"""Huế's 40 commune-level units as the demo sees them: which payment provider serves each, how
many people it holds, whether it pays electronically, its villages and its officer.

The names and codes come from `vietnam-provinces` (never typed by hand); only the former district
each unit grew out of is written here, because the province's report was by former district:
Viettel served five localities, VNPost with VietinBank the others.
"""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import date

from ansinh.demo import names
from core.storage.reference import HUE_PROVINCE_CODE

logger = logging.getLogger(__name__)

VIETTEL = "Viettel Money"
VNPOST = "VNPost – VietinBank"

# Source figures (DOMAIN.md, November 2023): beneficiaries, with an account, paid through it.
SOURCE_FIGURES = {
    VIETTEL: (35_219, 33_940, 21_334),
    VNPOST: (25_519, 14_307, 11_720),
}

# Unit code -> the former district (2023) it belongs to.
FORMER_DISTRICT = {
    **dict.fromkeys(["19900", "20014", "19930", "19777", "19786", "19815", "19813", "19810",
                     "20023", "19768", "19909"], "Huế"),
    **dict.fromkeys(["19969", "19975", "19960"], "Hương Thủy"),
    **dict.fromkeys(["19996", "20017", "20035"], "Hương Trà"),
    **dict.fromkeys(["19819", "19864", "19831", "19828", "19873"], "Phong Điền"),
    **dict.fromkeys(["19885", "19867"], "Quảng Điền"),
    **dict.fromkeys(["19945", "19918", "19942"], "Phú Vang"),
    **dict.fromkeys(["20122", "20131", "20140", "20107", "20152"], "Phú Lộc"),
    **dict.fromkeys(["20182", "20179", "20161"], "Nam Đông"),
    **dict.fromkeys(["20056", "20044", "20071", "20101", "20050"], "A Lưới"),
}
VIETTEL_DISTRICTS = {"Huế", "Phú Vang", "Quảng Điền", "Nam Đông", "A Lưới"}
MOUNTAIN_DISTRICTS = {"Nam Đông", "A Lưới"}
CASH_ONLY_UNIT = "20035"  # Xã Bình Điền: the one unit still paying everyone in cash
# Before the 2025 merger the province had 141 communes, wards and towns, by district as the report
# counted them; four of them, all in today's Xã Bình Điền, still paid everyone in cash.
FORMER_COMMUNES = {"Huế": 36, "Phong Điền": 16, "Quảng Điền": 11, "Phú Vang": 14, "Hương Thủy": 10,
                   "Hương Trà": 9, "A Lưới": 18, "Phú Lộc": 17, "Nam Đông": 10}
FORMER_IN_CASH_ONLY_UNIT = 4
MERGED_ON = date(2025, 7, 1)
# Relative size of a unit's caseload by former district (the old city's wards are the largest).
DISTRICT_WEIGHT = {"Huế": 1.7, "Hương Thủy": 1.4, "Hương Trà": 1.2, "Phú Vang": 2.2, "Phú Lộc": 1.3,
                   "Quảng Điền": 2.0, "Phong Điền": 1.2, "Nam Đông": 0.9, "A Lưới": 0.8}


@dataclass
class DemoUnit:
    code: str
    name: str
    kind: str  # 'phuong' / 'xa'
    district: str
    provider: str
    weight: float
    pays_electronically: bool
    mountain: bool
    villages: list[str]
    officer_name: str
    officer_phone: str
    office_address: str
    size: int = 0  # beneficiaries, set when the province is generated

    @property
    def short_name(self) -> str:
        """'Phường Thuận Hóa' -> 'Thuận Hóa'."""
        return self.name.split(" ", 1)[1]

    def officer_info(self) -> dict:
        return {"code": self.code, "officer_name": self.officer_name, "officer_phone": self.officer_phone,
                "office_address": self.office_address, "pays_electronically": self.pays_electronically}


def hue_units() -> list[tuple[str, str, str]]:
    """(code, name, kind) of Huế's commune-level units, from the same package as the seed."""
    from vietnam_provinces import Ward

    units = []
    for ward in Ward.iter_all():
        if f"{int(ward.province_code):02d}" == HUE_PROVINCE_CODE:
            kind = "phuong" if ward.division_type.value == "phường" else "xa"
            units.append((f"{int(ward.code):05d}", ward.name, kind))
    return sorted(units)


def plan_units(rng: random.Random, phones: names.PhoneBook) -> list[DemoUnit]:
    plans = []
    for code, name, kind in hue_units():
        district = FORMER_DISTRICT.get(code) or ("Huế" if kind == "phuong" else "Phú Lộc")
        gender = rng.choice(["nu", "nu", "nam"])
        plans.append(DemoUnit(
            code=code, name=name, kind=kind, district=district,
            provider=VIETTEL if district in VIETTEL_DISTRICTS else VNPOST,
            weight=DISTRICT_WEIGHT[district] * rng.uniform(0.8, 1.2),
            pays_electronically=code != CASH_ONLY_UNIT,
            mountain=district in MOUNTAIN_DISTRICTS or code == CASH_ONLY_UNIT,
            villages=names.village_names(rng, rng.randint(4, 9)),
            officer_name=names.person_name(rng, gender, rng.randint(28, 50)),
            officer_phone=phones.new(),
            office_address=f"UBND {name}, thành phố Huế",
        ))
    return plans


def share_out(total: int, weights: list[float], minimum: int) -> list[int]:
    """Split `total` by weight (largest remainder), each part at least `minimum`."""
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError(f"cannot give {len(weights)} units {minimum} people each out of {total}")
    whole = sum(weights)
    exact = [rest * w / whole for w in weights]
    parts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in by_remainder[: rest - sum(parts)]:
        parts[i] += 1
    return [b + p for b, p in zip(base, parts)]


@dataclass
class FormerUnit:
    """A commune-level unit from before the 2025 merger and the unit it became part of. The first
    of a unit's former units keeps its code (as the reform did); the others' names are the demo's."""

    code: str
    name: str
    kind: str
    successor_code: str

    def row(self) -> dict:
        return {"code": self.code, "name": self.name, "kind": self.kind,
                "successor_code": self.successor_code, "merged_on": MERGED_ON}


def plan_former_units(rng: random.Random, units: list[DemoUnit]) -> list[FormerUnit]:
    """FORMER_COMMUNES spread over each district's units, by weight, the cash-only unit taking four."""
    former = []
    for district, count in FORMER_COMMUNES.items():
        served = sorted((u for u in units if u.district == district), key=lambda u: u.code)
        fixed = {u.code: FORMER_IN_CASH_ONLY_UNIT for u in served if u.code == CASH_ONLY_UNIT}
        rest = [u for u in served if u.code not in fixed]
        parts = share_out(count - sum(fixed.values()), [u.weight for u in rest], 1)
        shares = dict(zip((u.code for u in rest), parts))
        for unit in served:
            villages = rng.sample(unit.villages, len(unit.villages))
            prefix = unit.name.split(" ", 1)[0]
            for index in range({**shares, **fixed}[unit.code]):
                if index == 0:
                    former.append(FormerUnit(unit.code, unit.name, unit.kind, unit.code))
                else:
                    name = f"{prefix} {villages[(index - 1) % len(villages)]}"
                    name += f" {index}" if index > len(villages) else ""
                    former.append(FormerUnit(f"{unit.code}-{index}", name, unit.kind, unit.code))
    return former
