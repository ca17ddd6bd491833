"""The documented demo identities: fixed people, codes and phones anyone can try the service with
(docs/DEMO.md), and that tests rely on. They are part of the province's figures, not extra.

Their payments and cash days are fixed relative to the demo's report month (ansinh.demo.calendar),
so the hints name the same days the answers give on whatever day the demo is loaded. `role` and
`try` are English msgids (marked with N_ so `make catalogs` extracts them); `identity_cards`
gives them through the catalogs with the dates filled in.
"""
from __future__ import annotations

import logging

from ansinh.demo.calendar import DemoMonths, day_of
from ansinh.demo.payments import Outcome
from ansinh.demo.people import DemoPerson
from ansinh.demo.units import CASH_ONLY_UNIT, VIETTEL, VNPOST
from core.i18n import N_

logger = logging.getLogger(__name__)

STRANGER_PHONE = "0909123000"
ROLE_BENEFICIARY, ROLE_GUARDIAN = N_("Demo beneficiary"), N_("Demo guardian")
ROLE_AUTHORISED, ROLE_STRANGER = N_("Demo authorised person"), N_("Demo stranger (phone not on file)")

IDENTITY_PEOPLE = [
    DemoPerson(code="BT4600001", name="Nguyễn Thị Lài", birth="12/03/1951", gender="Nữ", unit_code="19945",
               address="Thôn Lương Viện, Xã Phú Vinh", categories=["NCT_NGHEO_60"], method="ewallet",
               provider=VIETTEL, has_account=True, account="0978451203", national_id="046151004821",
               phone="0978451203", guardian_name="Trần Văn Hùng", guardian_phone="0905318246",
               relation="con"),
    DemoPerson(code="BT4600002", name="Hồ Văn Thọ", birth="1939", gender="Nam", unit_code=CASH_ONLY_UNIT,
               address="Thôn Bình Thành, Xã Bình Điền", categories=["NCT_80"], method="cash",
               provider=VNPOST, has_account=False, phone="01662718345"),
    DemoPerson(code="BT4600003", name="Lê Thị Bảo Ngọc", birth="14/08/2016", gender="Nữ", unit_code="19975",
               address="Tổ 9, Phường Hương Thủy", categories=["TE_MC_4_16"], method="account",
               provider=VNPOST,
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

# Fixed results per identity: (status, day of the month, provider's note) for the two months before
# the report month, the report month, and the coming month; the rest of the province is drawn.
PAID, WAITING = "paid", ("scheduled", None, None)
IDENTITY_RESULTS: dict[str, tuple[tuple[str, int | None, str | None], ...]] = {
    "BT4600001": ((PAID, 5, None), (PAID, 5, None), (PAID, 5, None), WAITING),
    "BT4600002": ((PAID, 4, None), (PAID, 6, None), (PAID, 3, None), WAITING),
    "BT4600003": ((PAID, 3, None), (PAID, 5, None), ("failed", None, "Tài khoản bị khóa"), WAITING),
    "BT4600004": ((PAID, 4, None), (PAID, 3, None), (PAID, 4, None), WAITING),
    "BT4600005": ((PAID, 7, None), (PAID, 6, None), (PAID, 6, None), WAITING),
    "BT4600006": ((PAID, 4, None), (PAID, 4, None), (PAID, 4, None), WAITING),
    "BT4600007": ((PAID, 8, None), (PAID, 7, None), (PAID, 7, None), WAITING),
}


def identity_outcomes(months: DemoMonths) -> dict[str, dict[str, Outcome]]:
    """IDENTITY_RESULTS as Outcomes of the demo's months."""
    return {code: {period: Outcome(status, day_of(period, day) if day else None, note)
                   for period, (status, day, note) in zip(months.all, results)}
            for code, results in IDENTITY_RESULTS.items()}


for _person in IDENTITY_PEOPLE:  # the report month's result decides whether they count as paid through it
    _person.paid_in_report = IDENTITY_RESULTS[_person.code][-2][0] == PAID


# Cash days of the identities' units, fixed so docs/DEMO.md can say them: (unit, 0 for the report
# month or 1 for the month after) -> (first day, last day, hours, place).
IDENTITY_CASH_DAYS: dict[tuple[str, int], list[tuple[int, int, str, str]]] = {
    (CASH_ONLY_UNIT, 0): [(3, 4, "7h30-11h00", "Nhà văn hóa thôn Bình Thành"),
                          (5, 6, "7h30-11h00", "Bưu điện văn hóa xã Bình Điền")],
    (CASH_ONLY_UNIT, 1): [(2, 3, "7h30-11h00", "Nhà văn hóa thôn Bình Thành"),
                          (4, 5, "7h30-16h30", "Bưu điện văn hóa xã Bình Điền")],
    ("19777", 0): [(5, 6, "7h30-11h00", "UBND phường Vỹ Dạ")],
    ("19777", 1): [(3, 4, "7h30-11h00", "UBND phường Vỹ Dạ")],
    ("20179", 0): [(6, 7, "7h00-11h00", "Nhà văn hóa thôn Phú Mỹ")],
    ("20179", 1): [(7, 8, "7h00-11h00", "Nhà văn hóa thôn Phú Mỹ")],
}


def _cash(period: str, start: int, end: int, hours: str, place: str, unit: str) -> dict[str, str]:
    month, year = period[5:], period[:4]
    return {"ky_chi_tra": f"{month}/{year}", "ma_xa": unit, "hinh_thuc": "Tiền mặt",
            "tu_ngay": f"{start:02d}/{month}/{year}", "den_ngay": f"{end:02d}/{month}/{year}",
            "gio": hours, "dia_diem": place}


def identity_schedules(months: DemoMonths) -> dict[tuple[str, str], list[dict[str, str]]]:
    """IDENTITY_CASH_DAYS as the officers' schedule rows of the demo's months."""
    return {(unit, months.offset(offset)): [_cash(months.offset(offset), *day, unit) for day in days]
            for (unit, offset), days in IDENTITY_CASH_DAYS.items()}


DEMO_IDENTITIES: list[dict[str, str]] = [
    {"role": ROLE_BENEFICIARY, "name": "Nguyễn Thị Lài", "code": "BT4600001", "phone": "0978451203",
     "birth": "12/03/1951",
     "try": N_("Ask whether her money for %(report)s has come (\"TC %(report_month)s\"): 750,000đ "
               "reached her Viettel Money wallet on %(lai_paid)s. Ask why it is 750,000đ (500,000đ × 1.5).")},
    {"role": ROLE_GUARDIAN, "name": "Trần Văn Hùng", "code": "BT4600001", "phone": "0905318246",
     "birth": "12/03/1951",
     "try": N_("Her son in the city: ask whether his mother's money for %(report)s has come, and the history "
               "(paid in %(results)s).")},
    {"role": ROLE_BENEFICIARY, "name": "Hồ Văn Thọ", "code": "BT4600002", "phone": "0362718345",
     "birth": "1939",
     "try": N_("Paid in cash; his phone is on file in the old form 01662718345. Ask (\"LICH\") when and "
               "where cash for %(coming)s is paid: %(tho_first)s at Nhà văn hóa thôn Bình Thành, "
               "%(tho_second)s at the post office; days that are over are told as over.")},
    {"role": ROLE_GUARDIAN, "name": "Phan Thị Mận", "code": "BT4600003", "phone": "0935602417",
     "birth": "14/08/2016",
     "try": N_("Grandmother of an orphaned girl: the payment for %(report)s failed (account locked); ask why "
               "and whom to call.")},
    {"role": ROLE_GUARDIAN, "name": "Phan Văn Quang", "code": "BT4600004", "phone": "0983246150",
     "birth": "02/02/1940",
     "try": N_("Looks after both his parents (BT4600004 by Viettel Money, BT4600005 in cash): ask "
               "about the money for %(report)s and see him asked which parent he means.")},
    {"role": ROLE_BENEFICIARY, "name": "Hoàng Thị Cúc", "code": "BT4600006", "phone": "0845119273",
     "birth": "20/07/1941",
     "try": N_("Holds two categories; ask why she gets 1,000,000đ (the higher coefficient, 2, applies).")},
    {"role": ROLE_AUTHORISED, "name": "Ngô Thị Hạnh", "code": "BT4600007", "phone": "0868530927",
     "birth": "05/05/1978",
     "try": N_("A neighbour authorised to collect for a man with an especially severe disability, in cash "
               "although "
               "he has an account: ask about his money.")},
    {"role": ROLE_STRANGER, "name": "", "code": "", "phone": STRANGER_PHONE, "birth": "",
     "try": N_("A phone not on file: any question about a payment gets no personal details, only how to "
               "register (DK <code> <birth date>).")},
]


def hint_values(t, months: DemoMonths) -> dict[str, str]:
    """The dates the hints name, from the same tables the demo's rows come from."""
    outcomes = identity_outcomes(months)
    tho = IDENTITY_CASH_DAYS[(CASH_ONLY_UNIT, 1)]

    def days(first: int, last: int) -> str:
        return f"{first:02d}–{last:02d}/{months.coming[5:]}"

    return {"report": t.period(months.report), "report_month": str(int(months.report[5:])),
            "coming": t.period(months.coming), "results": ", ".join(t.period(p) for p in months.results),
            "lai_paid": t.date(outcomes["BT4600001"][months.report].paid_on),
            "tho_first": days(*tho[0][:2]), "tho_second": days(*tho[1][:2])}


def identity_cards(t, months: DemoMonths) -> list[dict[str, str]]:
    """DEMO_IDENTITIES with `role` and `try` in the translator's language, dates filled in."""
    values = hint_values(t, months)
    return [{**who, "role": t._(who["role"]), "try": t._(who["try"], **values)} for who in DEMO_IDENTITIES]
