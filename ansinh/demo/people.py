"""The demo province's beneficiaries: categories consistent with age, amounts from coefficients,
phones, guardians and payment methods, written as officers write them in their lists."""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from functools import cached_property
from datetime import date, timedelta
from decimal import Decimal

from ansinh.demo import names
from ansinh.demo.units import DemoUnit
from core.storage.reference import CATEGORIES

logger = logging.getLogger(__name__)

STANDARD_LEVEL = 500_000
METHOD_WRITTEN = {"cash": "Tiền mặt", "account": "Tài khoản", "ewallet": "Ví điện tử"}

# (category, weight, youngest age, oldest age, only in mountain communes)
CATEGORY_MIX = [
    ("NCT_80", 22, 80, 101, False), ("HTXH_75", 20, 75, 79, False), ("HTXH_70_NGHEO", 3, 70, 74, False),
    ("NCT_NGHEO_60", 4, 60, 79, False), ("NCT_NGHEO_80", 2, 80, 98, False), ("NCT_75_DTTS", 1, 75, 79, True),
    ("NCT_CONG_DONG", 0.5, 62, 95, False), ("NKT_NANG", 19, 16, 59, False),
    ("NKT_NANG_TE_NCT", 8, 60, 95, False),
    ("NKT_DBN", 7, 16, 59, False), ("NKT_DBN_TE_NCT", 4, 60, 95, False), ("TE_MC_U4", 0.3, 0, 3, False),
    ("TE_MC_4_16", 2, 4, 15, False), ("TE_16_22", 1, 16, 21, False), ("TE_HIV_U4", 0.1, 0, 3, False),
    ("TE_HIV_4_16", 0.2, 4, 15, False), ("DON_THAN", 3, 22, 50, False),
    ("NKT_NANG_TE_NCT:child", 1.5, 3, 15, False),
    ("NKT_DBN_TE_NCT:child", 1.4, 2, 15, False),
]
_MIX_WEIGHTS = [m[1] for m in CATEGORY_MIX]
# A few people hold two categories: the higher coefficient applies (DOMAIN.md).
SECOND_CATEGORY = {"NCT_80": "NKT_NANG_TE_NCT", "NCT_NGHEO_80": "NKT_DBN_TE_NCT",
                   "NCT_NGHEO_60": "NKT_NANG_TE_NCT"}
ELDER_RELATIONS = [("con", None, 55), ("con dâu", "nu", 8), ("con rể", "nam", 4), ("cháu", None, 22),
                   ("vợ", "nu", 3), ("chồng", "nam", 3), ("em", None, 5)]
CHILD_RELATIONS = [("bà nội", "nu", 25), ("bà ngoại", "nu", 25), ("ông nội", "nam", 10),
                   ("cô ruột", "nu", 12),
                   ("dì ruột", "nu", 12), ("chú ruột", "nam", 8), ("chị gái", "nu", 8)]
ADULT_RELATIONS = [("mẹ", "nu", 35), ("cha", "nam", 15), ("vợ", "nu", 15), ("chồng", "nam", 10),
                   ("anh", "nam", 10), ("chị", "nu", 10), ("con", None, 5)]
AUTHORISED = "người được ủy quyền"


@dataclass
class DemoPerson:
    """One beneficiary row, values kept as the officer wrote them."""

    code: str
    name: str
    birth: str  # 'dd/mm/yyyy' or a bare year
    gender: str  # 'Nam' / 'Nữ'
    unit_code: str
    address: str
    categories: list[str]
    method: str  # cash / account / ewallet
    provider: str
    has_account: bool
    account: str | None = None
    national_id: str | None = None
    phone: str | None = None  # as written (old 11-digit form possible)
    guardian_name: str | None = None
    guardian_phone: str | None = None
    relation: str | None = None
    paid_in_report: bool = True  # when electronic: paid into the account in the report month

    @property
    def programme(self) -> str:
        return CATEGORIES[self.categories[0]][0]

    @cached_property
    def coefficient(self) -> Decimal:
        return max(Decimal(CATEGORIES[c][2]) for c in self.categories)

    @cached_property
    def amount(self) -> int:
        return int(STANDARD_LEVEL * self.coefficient)

    @property
    def electronic(self) -> bool:
        return self.method != "cash"

    def row(self) -> dict[str, str]:
        return {
            "ma_doi_tuong": self.code, "ho_ten": self.name, "ngay_sinh": self.birth, "gioi_tinh": self.gender,
            "so_cccd": self.national_id or "", "ma_xa": self.unit_code, "dia_chi": self.address,
            "che_do": self.programme, "dien_doi_tuong": ";".join(self.categories),
            "he_so": format_coefficient(self.coefficient), "so_tien": format_amount(self.amount),
            "hinh_thuc": METHOD_WRITTEN[self.method], "don_vi_chi_tra": self.provider,
            "so_tai_khoan": self.account or "", "so_dien_thoai": self.phone or "",
            "nguoi_giam_ho": self.guardian_name or "", "sdt_nguoi_giam_ho": self.guardian_phone or "",
            "quan_he": self.relation or "",
        }


def format_amount(amount: int) -> str:
    """750000 -> '750.000', as in the officers' spreadsheets."""
    return f"{amount:,}".replace(",", ".")


def format_coefficient(value: Decimal) -> str:
    """Decimal('1.50') -> '1,5'; Decimal('2.00') -> '2'."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def _pick(rng: random.Random, table: list[tuple]) -> tuple:
    return rng.choices(table, [row[-1] for row in table])[0]


class PersonFactory:
    """Makes one unit's people; guardians are shared by 2–3 people now and then."""

    def __init__(self, rng: random.Random, phones: names.PhoneBook, reference_day: date):
        self.rng = rng
        self.phones = phones
        self.reference_day = reference_day  # ages are counted on this day
        self._open_guardians: dict[str, list[list]] = {}

    def _category(self, unit: DemoUnit) -> tuple[str, int]:
        rng = self.rng
        while True:
            code, _w, low, high, mountain_only = rng.choices(CATEGORY_MIX, _MIX_WEIGHTS)[0]
            if not mountain_only or unit.mountain:
                return code.split(":")[0], rng.randint(low, high)

    def _birth(self, age: int) -> tuple[str, int]:
        rng = self.rng
        born = self.reference_day - timedelta(days=age * 365 + rng.randint(0, 364) + age // 4)
        if age >= 70 and rng.random() < 0.08:
            return str(born.year), born.year
        return born.strftime("%d/%m/%Y"), born.year

    def _phone(self) -> tuple[str, str]:
        """(the 10-digit number, as the officer wrote it: now and then the old 11-digit form)."""
        number = self.phones.new()
        return number, names.as_written(number, old_form=self.rng.random() < 0.05)

    def _guardian(self, unit: DemoUnit, age: int, family: str) -> tuple[str, str, str]:
        rng = self.rng
        if age < 16:
            relation, gender, _w = _pick(rng, CHILD_RELATIONS)
            guardian_age = rng.randint(35, 75)
        elif age < 60:
            relation, gender, _w = _pick(rng, ADULT_RELATIONS)
            guardian_age = (
                rng.randint(age, age + 30)
                if relation in ("mẹ", "cha")
                else rng.randint(max(age - 5, 18), age + 10)
            )
        else:
            shared = [g for g in self._open_guardians.get(unit.code, []) if g[3] > 0]
            if shared and rng.random() < 0.25:
                chosen = shared[0]
                chosen[3] -= 1
                return chosen[0], chosen[1], chosen[2]
            relation, gender, _w = _pick(rng, ELDER_RELATIONS)
            guardian_age = rng.randint(25, 35) if relation == "cháu" else rng.randint(40, 65)
        gender = gender or rng.choice(["nam", "nu"])
        same_family = relation in ("con", "cháu", "ông nội", "chú ruột", "chị gái", "em", "anh",
                                   "chị") and gender == "nam"
        name = names.person_name(rng, gender, guardian_age, family if same_family else None)
        phone = self._phone()[1]
        if age >= 60 and relation in ("con", "cháu", "con dâu") and rng.random() < 0.15:
            self._open_guardians.setdefault(unit.code, []).append([name, phone, relation, rng.randint(1, 2)])
        return name, phone, relation

    def make(self, code: str, unit: DemoUnit, has_account: bool, electronic: bool,
             paid_in_report: bool = True) -> DemoPerson:
        rng = self.rng
        category, age = self._category(unit)
        categories = [category]
        if category in SECOND_CATEGORY and rng.random() < 0.03:
            categories.append(SECOND_CATEGORY[category])
        woman_share = 0.62 if age >= 60 else (0.9 if category == "DON_THAN" else 0.48)
        gender = "nu" if rng.random() < woman_share else "nam"
        family = names.family_name(rng)
        name = names.person_name(rng, gender, age, family if rng.random() > 0.02 else None)
        birth, birth_year = self._birth(age)
        address = (names.ward_address(rng, unit.name) if unit.kind == "phuong"
                   else names.commune_address(rng, unit.name, unit.villages))
        own_phone = age >= 14 and rng.random() < (0.93 if age < 75 else 0.86)
        needs_guardian = age < 16 or rng.random() < (
            0.55 if age >= 75 else 0.45 if "DBN" in category else 0.12
        )
        person = DemoPerson(
            code=code,
            name=name,
            birth=birth,
            gender="Nữ" if gender == "nu" else "Nam",
            unit_code=unit.code,
            address=address,
            categories=categories,
            provider=unit.provider,
            has_account=has_account,
            method=("ewallet" if unit.provider.startswith("Viettel") else "account")
            if electronic
            else "cash",
            national_id=names.national_id(rng, gender, birth_year) if rng.random() < 0.8 else None,
            paid_in_report=paid_in_report,
        )
        number = None
        if own_phone:
            number, person.phone = self._phone()
        if needs_guardian:
            person.guardian_name, person.guardian_phone, person.relation = self._guardian(unit, age, family)
        elif rng.random() < 0.012:
            person.guardian_name = names.person_name(rng, rng.choice(["nam", "nu"]), rng.randint(30, 60))
            person.guardian_phone, person.relation = self._phone()[1], AUTHORISED
        if has_account:
            person.account = (names.wallet_account(rng, number) if unit.provider.startswith("Viettel")
                              else names.bank_account(rng))
        return person
