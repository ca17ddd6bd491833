"""Vietnamese names, addresses, phone numbers and ID numbers for the demo province.

Huế-flavoured: old-style given names for the elderly (Lài, Mận, Thơm, Gái…), the royal clan's
family names (Nguyễn Phước, Tôn Nữ), "kiệt" for the city's lanes. Everything is drawn from a
`random.Random` the caller seeds, so the same seed always gives the same people.
"""
from __future__ import annotations

import logging
import random

logger = logging.getLogger(__name__)

# (family name, weight); Tôn Nữ and Nguyễn Phước are handled apart (gendered, royal clan).
FAMILY_NAMES = [
    ("Nguyễn", 30), ("Trần", 10), ("Lê", 9), ("Phan", 6), ("Hoàng", 5), ("Võ", 5), ("Hồ", 4),
    ("Huỳnh", 3), ("Đặng", 3), ("Ngô", 3), ("Trương", 2), ("Bùi", 2), ("Đỗ", 2), ("Dương", 2),
    ("Lương", 1), ("Phạm", 2), ("Mai", 1), ("Văn", 1), ("Tống", 1), ("Đoàn", 1), ("Cao", 1),
    ("Lý", 1), ("Thái", 1), ("Châu", 1), ("Hà", 1),
]
_FAMILY, _FAMILY_WEIGHTS = zip(*FAMILY_NAMES)

OLD_WOMEN = [
    "Lài", "Mận", "Mai", "Lan", "Hoa", "Huệ", "Cúc", "Sen", "Hường", "Thơm", "Gái", "Tý", "Liên",
    "Nguyệt", "Hằng", "Hương", "Thủy", "Diệu", "Tịnh", "Mến", "Thoa", "Xuân", "Thu", "Trâm", "Kim",
    "Phượng", "Nhàn", "Thanh", "Vân", "Nga", "Lệ", "Yến", "Đào", "Lựu", "Bông", "Sáu", "Bảy", "Tám",
    "Lợi", "Quýt", "Mít", "Nhung", "Tuyết", "Hiền", "Loan", "Khuê", "Đợi", "Hợi", "Nở", "Bích",
]
OLD_MEN = [
    "Hải", "Lộc", "Phúc", "Tâm", "Thọ", "Quang", "Bình", "Dũng", "Hùng", "Sơn", "Cường", "Lợi", "Sĩ",
    "Tư", "Năm", "Sáu", "Mậu", "Tuyên", "Thiện", "Tín", "Nghĩa", "Hòa", "Khánh", "Phước", "Tài",
    "Thành", "Đức", "Vinh", "Lạc", "Mãn", "Cu", "Tèo", "Kha", "Ngọ", "Dần", "Sửu", "Chuyên", "Cẩn",
]
YOUNG_WOMEN = [
    "Thảo", "Trang", "Linh", "Ngọc", "Hân", "Vy", "Nhi", "Anh", "Hà", "Hiền", "Thư", "Quỳnh",
    "Uyên", "My", "Na", "Trinh", "Nhung", "Phương", "Hằng", "Diễm", "Tâm", "Hương",
]
YOUNG_MEN = [
    "Huy", "Khang", "Bảo", "Khôi", "Nam", "Phong", "Đạt", "Hiếu", "Tuấn", "Quân", "Long", "Tùng",
    "Vũ", "Hoàng", "Nhật", "Thắng", "Trí", "Minh", "Duy", "Phát", "Lâm", "Hưng",
]
OLD_MIDDLE_W = ["Thị"] * 8 + ["Thị Thu", "Thị Kim", "Thị Ngọc", "Thị Minh"]
OLD_MIDDLE_M = ["Văn"] * 6 + ["Đình", "Hữu", "Quang", "Công", "Đức", "Như", "Phước", "Xuân", "Ngọc"]
YOUNG_MIDDLE_W = ["Thị", "Ngọc", "Thu", "Bảo", "Minh", "Khánh", "Phương", "Gia", "Thảo", "Thị Mỹ"]
YOUNG_MIDDLE_M = ["Văn", "Minh", "Gia", "Quốc", "Hữu", "Đức", "Anh", "Bảo", "Nhật", "Thanh"]
ROYAL_GENERATION = ["Bửu", "Vĩnh", "Bảo", "Ưng", "Hường"]

STREETS = [
    "Phan Đình Phùng", "Lê Lợi", "Hùng Vương", "Trần Hưng Đạo", "Điện Biên Phủ", "Chi Lăng",
    "Bạch Đằng", "Huỳnh Thúc Kháng", "Nguyễn Sinh Cung", "Kim Long", "Lý Nam Đế", "Tăng Bạt Hổ",
    "Nguyễn Trãi", "Mai Thúc Loan", "Đặng Thái Thân", "Phan Bội Châu", "Bà Triệu", "Ngự Bình",
    "Minh Mạng", "Dương Văn An", "Nguyễn Huệ", "Hàn Thuyên", "Trần Phú", "Nguyễn Lộ Trạch",
    "Tôn Đức Thắng", "Phạm Văn Đồng", "Võ Văn Kiệt", "Lê Duẩn", "Đào Duy Anh", "Xuân 68",
]
VILLAGE_WORDS = [
    "An", "Phú", "Mỹ", "Thanh", "Đông", "Tây", "Lương", "Vĩnh", "Hòa", "Xuân", "Lộc", "Thủy",
    "Hà", "Phước", "Tân", "Trung", "Bình", "Long", "Hiền", "Lai", "Dương", "Điền", "Lập", "Sơn",
]

# Mobile prefixes after the 2018 renumbering, and the old 11-digit prefixes they replaced.
NEW_PREFIXES = [
    "086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039",
    "088", "091", "094", "081", "082", "083", "084", "085", "090", "093", "070",
    "076", "077", "078", "079", "092", "056", "058",
]
OLD_FORM = {
    "032": "0162", "033": "0163", "034": "0164", "035": "0165", "036": "0166", "037": "0167",
    "038": "0168", "039": "0169", "070": "0120", "079": "0121", "077": "0122", "083": "0123",
    "084": "0124", "085": "0125", "076": "0126", "081": "0127", "078": "0128", "082": "0129",
    "056": "0186", "058": "0188",
}


def family_name(rng: random.Random) -> str:
    return rng.choices(_FAMILY, _FAMILY_WEIGHTS)[0]


def person_name(rng: random.Random, gender: str, age: int, family: str | None = None) -> str:
    """A full name fitting the person's gender and generation; ~2% from the royal clan."""
    woman = gender == "nu"
    if family is None and rng.random() < 0.02:
        if woman:
            return f"Tôn Nữ Thị {rng.choice(OLD_WOMEN if age >= 45 else YOUNG_WOMEN)}"
        return (
            f"Nguyễn Phước {rng.choice(ROYAL_GENERATION)} {rng.choice(OLD_MEN if age >= 45 else YOUNG_MEN)}"
        )
    family = family or family_name(rng)
    if age >= 45:
        middle = rng.choice(OLD_MIDDLE_W if woman else OLD_MIDDLE_M)
        given = rng.choice(OLD_WOMEN if woman else OLD_MEN)
    else:
        middle = rng.choice(YOUNG_MIDDLE_W if woman else YOUNG_MIDDLE_M)
        given = rng.choice(YOUNG_WOMEN if woman else YOUNG_MEN)
    return f"{family} {middle} {given}"


def village_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(VILLAGE_WORDS)} {rng.choice(VILLAGE_WORDS)}"
        if name.split()[0] != name.split()[1] and name not in names:
            names.append(name)
    return names


def ward_address(rng: random.Random, ward: str) -> str:
    """'25 kiệt 112 Phan Đình Phùng, Phường Thuận Hóa' or 'Tổ 7, Phường Vỹ Dạ'."""
    roll = rng.random()
    if roll < 0.4:
        return f"{rng.randint(1, 80)} kiệt {rng.randint(2, 300)} {rng.choice(STREETS)}, {ward}"
    if roll < 0.7:
        return f"{rng.randint(1, 400)} {rng.choice(STREETS)}, {ward}"
    return f"Tổ {rng.randint(1, 25)}, {ward}"


def commune_address(rng: random.Random, commune: str, villages: list[str]) -> str:
    return f"Thôn {rng.choice(villages)}, {commune}"


class PhoneBook:
    """Unique mobile numbers in their 10-digit national form; some written the old way."""

    def __init__(self, rng: random.Random, reserved: set[str] = frozenset()):
        self._rng = rng
        self._used = set(reserved)

    def reserve(self, number: str) -> None:
        self._used.add(number)

    def new(self) -> str:
        while True:
            number = self._rng.choice(NEW_PREFIXES) + f"{self._rng.randrange(10**7):07d}"
            if number not in self._used:
                self._used.add(number)
                return number


def as_written(number: str, old_form: bool) -> str:
    """How an officer typed it: '0362345678' or, when asked and possible, '01662345678'."""
    prefix = number[:3]
    return OLD_FORM[prefix] + number[3:] if old_form and prefix in OLD_FORM else number


def national_id(rng: random.Random, gender: str, birth_year: int) -> str:
    """A 12-digit CCCD: province of birth (046), century/gender digit, year, six digits."""
    century = 0 if birth_year < 2000 else 2
    return f"046{century + (gender == 'nu')}{birth_year % 100:02d}{rng.randrange(10**6):06d}"


def bank_account(rng: random.Random) -> str:
    """A VietinBank-like 12-digit account number."""
    return f"10{rng.randrange(10**10):010d}"


def wallet_account(rng: random.Random, phone: str | None) -> str:
    """Viettel Money wallets are known by a phone number; people without one get a 10-digit id."""
    return phone or f"97{rng.randrange(10**8):08d}"


_NEW_FORM = {old: new for new, old in OLD_FORM.items()}


def national_form(written: str) -> str:
    """'01662718345' -> '0362718345'; a 10-digit number is returned as it is."""
    digits = "".join(ch for ch in written if ch.isdigit())
    if len(digits) == 11 and digits[:4] in _NEW_FORM:
        return _NEW_FORM[digits[:4]] + digits[4:]
    return digits
