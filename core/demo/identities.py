"""The documented demo identities: fixed people, codes and phones anyone can try the service with
(docs/DEMO.md), and that tests rely on. They are part of the province's figures, not extra.

`role` and `try` are English msgids (marked with N_ so `make catalogs` extracts them); the CLI
prints them through the catalogs.
"""
from __future__ import annotations

from core.i18n import N_  # noqa: F401 - re-exported

import logging
from datetime import date

from core.demo.payments import Outcome
from core.demo.people import DemoPerson
from core.demo.units import CASH_ONLY_UNIT, VIETTEL, VNPOST

logger = logging.getLogger(__name__)




STRANGER_PHONE = "0909123000"
ROLE_BENEFICIARY, ROLE_GUARDIAN = N_("Demo beneficiary"), N_("Demo guardian")
ROLE_AUTHORISED, ROLE_STRANGER = N_("Demo authorised person"), N_("Demo stranger (phone not on file)")

IDENTITY_PEOPLE = [
    DemoPerson(code="BT4600001", name="Nguyễn Thị Lài", birth="12/03/1951", gender="Nữ", unit_code="19945",
               address="Thôn Lương Viện, Xã Phú Vinh", categories=["NCT_NGHEO_60"], method="ewallet",
               provider=VIETTEL, has_account=True, account="0978451203", national_id="046151004821",
               phone="0978451203", guardian_name="Trần Văn Hùng", guardian_phone="0905318246", relation="con"),
    DemoPerson(code="BT4600002", name="Hồ Văn Thọ", birth="1939", gender="Nam", unit_code=CASH_ONLY_UNIT,
               address="Thôn Bình Thành, Xã Bình Điền", categories=["NCT_80"], method="cash",
               provider=VNPOST, has_account=False, phone="01662718345"),
    DemoPerson(code="BT4600003", name="Lê Thị Bảo Ngọc", birth="14/08/2016", gender="Nữ", unit_code="19975",
               address="Tổ 9, Phường Hương Thủy", categories=["TE_MC_4_16"], method="account", provider=VNPOST,
               has_account=True, account="108876543210", guardian_name="Phan Thị Mận",
               guardian_phone="0935602417", relation="bà nội"),
    DemoPerson(code="BT4600004", name="Phan Văn Lộc", birth="02/02/1940", gender="Nam", unit_code="19777",
               address="18 kiệt 42 Nguyễn Sinh Cung, Phường Vỹ Dạ", categories=["NCT_80"], method="ewallet",
               provider=VIETTEL, has_account=True, account="9712450331", guardian_name="Phan Văn Quang",
               guardian_phone="0983246150", relation="con"),
    DemoPerson(code="BT4600005", name="Trần Thị Sen", birth="10/10/1949", gender="Nữ", unit_code="19777",
               address="18 kiệt 42 Nguyễn Sinh Cung, Phường Vỹ Dạ", categories=["HTXH_75"], method="cash",
               provider=VIETTEL, has_account=False, guardian_name="Phan Văn Quang",
               guardian_phone="0983246150", relation="con"),
    DemoPerson(code="BT4600006", name="Hoàng Thị Cúc", birth="20/07/1941", gender="Nữ", unit_code="19819",
               address="Tổ 4, Phường Phong Điền", categories=["NCT_80", "NKT_NANG_TE_NCT"], method="account",
               provider=VNPOST, has_account=True, account="107712093348", phone="0845119273"),
    DemoPerson(code="BT4600007", name="Võ Văn Tài", birth="05/05/1978", gender="Nam", unit_code="20179",
               address="Thôn Phú Mỹ, Xã Nam Đông", categories=["NKT_DBN"], method="cash", provider=VIETTEL,
               has_account=True, account="9745120087", guardian_name="Ngô Thị Hạnh",
               guardian_phone="0868530927", relation="người được ủy quyền"),
]

# Fixed results per identity and period; periods not listed are drawn like everyone else's.
IDENTITY_OUTCOMES: dict[str, dict[str, Outcome]] = {
    "BT4600001": {"2026-09": Outcome("paid", date(2026, 9, 5)), "2026-10": Outcome("paid", date(2026, 10, 5)),
                  "2026-11": Outcome("paid", date(2026, 11, 5)), "2026-12": Outcome("scheduled")},
    "BT4600002": {"2026-09": Outcome("paid", date(2026, 9, 4)), "2026-10": Outcome("paid", date(2026, 10, 6)),
                  "2026-11": Outcome("paid", date(2026, 11, 3)), "2026-12": Outcome("scheduled")},
    "BT4600003": {"2026-09": Outcome("paid", date(2026, 9, 3)), "2026-10": Outcome("paid", date(2026, 10, 5)),
                  "2026-11": Outcome("failed", note="Tài khoản bị khóa"), "2026-12": Outcome("scheduled")},
    "BT4600004": {"2026-09": Outcome("paid", date(2026, 9, 4)), "2026-10": Outcome("paid", date(2026, 10, 3)),
                  "2026-11": Outcome("paid", date(2026, 11, 4)), "2026-12": Outcome("scheduled")},
    "BT4600005": {"2026-09": Outcome("paid", date(2026, 9, 7)), "2026-10": Outcome("paid", date(2026, 10, 6)),
                  "2026-11": Outcome("paid", date(2026, 11, 6)), "2026-12": Outcome("scheduled")},
    "BT4600006": {"2026-09": Outcome("paid", date(2026, 9, 4)), "2026-10": Outcome("paid", date(2026, 10, 4)),
                  "2026-11": Outcome("paid", date(2026, 11, 4)), "2026-12": Outcome("scheduled")},
    "BT4600007": {"2026-09": Outcome("paid", date(2026, 9, 8)), "2026-10": Outcome("paid", date(2026, 10, 7)),
                  "2026-11": Outcome("paid", date(2026, 11, 7)), "2026-12": Outcome("scheduled")},
}


def _cash(period: str, start: int, end: int, hours: str, place: str, unit: str) -> dict[str, str]:
    month, year = period[5:], period[:4]
    return {"ky_chi_tra": f"{month}/{year}", "ma_xa": unit, "hinh_thuc": "Tiền mặt",
            "tu_ngay": f"{start:02d}/{month}/{year}", "den_ngay": f"{end:02d}/{month}/{year}",
            "gio": hours, "dia_diem": place}


# Cash days of the identities' units, fixed so docs/DEMO.md can say them.
IDENTITY_SCHEDULES: dict[tuple[str, str], list[dict[str, str]]] = {
    (CASH_ONLY_UNIT, "2026-11"): [
        _cash("2026-11", 3, 4, "7h30-11h00", "Nhà văn hóa thôn Bình Thành", CASH_ONLY_UNIT),
        _cash("2026-11", 5, 6, "7h30-11h00", "Bưu điện văn hóa xã Bình Điền", CASH_ONLY_UNIT)],
    (CASH_ONLY_UNIT, "2026-12"): [
        _cash("2026-12", 2, 3, "7h30-11h00", "Nhà văn hóa thôn Bình Thành", CASH_ONLY_UNIT),
        _cash("2026-12", 4, 5, "7h30-16h30", "Bưu điện văn hóa xã Bình Điền", CASH_ONLY_UNIT)],
    ("19777", "2026-11"): [_cash("2026-11", 5, 6, "7h30-11h00", "UBND phường Vỹ Dạ", "19777")],
    ("19777", "2026-12"): [_cash("2026-12", 3, 4, "7h30-11h00", "UBND phường Vỹ Dạ", "19777")],
    ("20179", "2026-11"): [_cash("2026-11", 6, 7, "7h00-11h00", "Nhà văn hóa thôn Phú Mỹ", "20179")],
    ("20179", "2026-12"): [_cash("2026-12", 7, 8, "7h00-11h00", "Nhà văn hóa thôn Phú Mỹ", "20179")],
}

DEMO_IDENTITIES: list[dict[str, str]] = [
    {"role": ROLE_BENEFICIARY, "name": "Nguyễn Thị Lài", "code": "BT4600001", "phone": "0978451203",
     "birth": "12/03/1951",
     "try": N_("Has this month's money come? 750,000đ reached her Viettel Money wallet on 05/11/2026; "
               "ask why it is 750,000đ (500,000đ × 1.5).")},
    {"role": ROLE_GUARDIAN, "name": "Trần Văn Hùng", "code": "BT4600001", "phone": "0905318246",
     "birth": "12/03/1951",
     "try": N_("Her son in the city: ask whether his mother's money for November has come, and the history.")},
    {"role": ROLE_BENEFICIARY, "name": "Hồ Văn Thọ", "code": "BT4600002", "phone": "0362718345",
     "birth": "1939",
     "try": N_("Paid in cash; his phone is on file in the old form 01662718345. Ask when and where to "
               "collect next month's money (02–03/12, Nhà văn hóa thôn Bình Thành).")},
    {"role": ROLE_GUARDIAN, "name": "Phan Thị Mận", "code": "BT4600003", "phone": "0935602417",
     "birth": "14/08/2016",
     "try": N_("Grandmother of an orphaned girl: November's payment failed (account locked); ask why "
               "and whom to call.")},
    {"role": ROLE_GUARDIAN, "name": "Phan Văn Quang", "code": "BT4600004", "phone": "0983246150",
     "birth": "02/02/1940",
     "try": N_("Looks after both his parents (BT4600004 by Viettel Money, BT4600005 in cash): ask "
               "about November's money and see him asked which parent he means.")},
    {"role": ROLE_BENEFICIARY, "name": "Hoàng Thị Cúc", "code": "BT4600006", "phone": "0845119273",
     "birth": "20/07/1941",
     "try": N_("Holds two categories; ask why she gets 1,000,000đ (the higher coefficient, 2, applies).")},
    {"role": ROLE_AUTHORISED, "name": "Ngô Thị Hạnh", "code": "BT4600007", "phone": "0868530927",
     "birth": "05/05/1978",
     "try": N_("A neighbour authorised to collect for a man with an especially severe disability, in cash although "
               "he has an account: ask about his money.")},
    {"role": ROLE_STRANGER, "name": "", "code": "", "phone": STRANGER_PHONE, "birth": "",
     "try": N_("A phone not on file: any question about a payment gets no personal details, only how to "
               "register (DK <code> <birth date>).")},
]
