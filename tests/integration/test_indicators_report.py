"""The province's indicators against the loaded demo, through the console and `ansinh indicators`:
at full size the demo's report month reproduces every figure of the province's report to the
person; the page and the command open on the latest month with results, with each figure's
definition; and the demo, loaded on two different days, dates its hints, answers and indicators
from that day."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime

import pytest
from click.testing import CliRunner

from ansinh.cli import main
from ansinh.cli_support import CliState
from core.clock import FakeClock
from ansinh.demo import load_demo
from core.vietnamese_text import to_ascii
from tests.console_support import make_officer, sign_in

REPORT = {  # DOMAIN.md, "What the province reported" (November 2023)
    "beneficiaries": 60_738, "with_account": 48_247, "paid_via_account": 33_054,
    "units_total": 40, "units_electronic": 39, "former_units_total": 141, "former_units_electronic": 137,
    "providers": [
        {"name": "Viettel Money", "beneficiaries": 35_219, "with_account": 33_940,
         "paid_via_account": 21_334},
        {"name": "VNPost – VietinBank", "beneficiaries": 25_519, "with_account": 14_307,
         "paid_via_account": 11_720},
    ],
}
SMALL = 0.02


@pytest.fixture
def on_day(request) -> date:
    return getattr(request, "param", date(2026, 12, 7))


@pytest.fixture
def clock(clock, on_day):
    return FakeClock(datetime(on_day.year, on_day.month, on_day.day, 9, 0, tzinfo=clock.tz))


@pytest.fixture
def cli(runtime):
    state = CliState()
    state._runtime = runtime

    def invoke(*args: str, expect: int = 0):
        result = CliRunner().invoke(main, list(args), obj=state)
        assert result.exit_code == expect, result.output
        assert "Traceback" not in result.output
        return result.output

    return invoke


def _card(page: str, card_id: str) -> str:
    found = re.search(rf'<div class="card" id="{card_id}">(.*?)</p></div>', page, re.DOTALL)
    assert found, card_id
    return found.group(1)


@pytest.mark.parametrize("on_day", [date(2026, 11, 26)], indirect=True)
def test_at_full_size_the_report_month_reproduces_every_reported_figure(client, cli, sessions, full_demo):
    """The whole province with the report month's payments (the other months change nothing here and
    would only make the load slower)."""
    report_month = [row for row in full_demo.payments if row["ky_chi_tra"] == "11/2026"]
    load_demo(sessions, date(2026, 11, 26), data=replace(full_demo, payments=report_month, schedules=[]))
    figures = json.loads(cli("indicators", "--json"))
    assert figures == {"period": "2026-11", **REPORT}
    with sessions.begin() as session:
        make_officer(session, "tinh", "province", "46")
    sign_in(client, "tinh")
    page = client.get("/console/indicators").get_data(as_text=True)
    assert 'value="2026-11" selected' in page
    assert "60.738" in _card(page, "card-beneficiaries")
    assert "48.247" in _card(page, "card-accounts") and "79,43%" in _card(page, "card-accounts")
    assert "33.054" in _card(page, "card-paid") and "54,42%" in _card(page, "card-paid")
    assert "39/40" in _card(page, "card-units") and "137/141" in _card(page, "card-former-units")
    for name, people, accounts, paid in (("Viettel Money", "35.219", "33.940", "21.334"),
                                         ("VNPost – VietinBank", "25.519", "14.307", "11.720")):
        cells = re.search(rf"<td>{name}</td>(.*?)</tr>", page, re.S).group(1)
        assert re.findall(r">([^<]+)</td>", cells)[:2] + re.findall(r">([^<]+)</td>", cells)[3:4] == [
            people, accounts, paid], name


def test_the_page_opens_on_the_latest_month_with_results_and_defines_each_figure(client, cli, sessions):
    """On 07/12 December's payee list is sent but nothing is paid yet: November is shown, and the
    trend has no December point at 0%."""
    load_demo(sessions, date(2026, 12, 7), scale=SMALL)
    with sessions.begin() as session:
        make_officer(session, "tinh", "province", "46")
    sign_in(client, "tinh")
    page = client.get("/console/indicators").get_data(as_text=True)
    assert 'value="2026-11" selected' in page and 'value="2026-12"' in page
    assert "Người có tên trong danh sách chi trả của kỳ" in _card(page, "card-beneficiaries")
    assert "tài khoản hoặc ví điện tử để nhận trợ cấp" in _card(page, "card-accounts")
    assert "không bằng tiền mặt; mỗi người tính một lần" in _card(page, "card-paid")
    assert "có ít nhất một người được chi trả qua tài khoản" in _card(page, "card-units")
    assert "trước ngày 1/7/2025" in _card(page, "card-former-units")
    exported = client.get("/console/indicators.csv").get_data(as_text=True)
    assert re.search(r'trước sắp xếp 2025"?;"?137/141"?;', exported)
    trend = re.search(r'id="trend-chart">(.*?)</div>', page, re.DOTALL).group(1)
    assert "11/2026" in trend and "12/2026" not in trend
    console = json.loads(cli("indicators", "--json"))
    assert console["period"] == "2026-11" and console["former_units_total"] == 141
    assert console["paid_via_account"] == round(21_334 * SMALL) + round(11_720 * SMALL)
    december = json.loads(cli("indicators", "--json", "--period", "2026-12"))
    assert december["paid_via_account"] == 0 and december["beneficiaries"] == console["beneficiaries"]


def test_ansinh_indicators_for_one_unit_in_vietnamese_and_bad_input(cli, sessions):
    load_demo(sessions, date(2026, 12, 7), scale=SMALL)
    cash_only = json.loads(cli("indicators", "--unit", "20035", "--json"))
    assert (cash_only["units_total"], cash_only["units_electronic"], cash_only["paid_via_account"]) == (1, 0,
                                                                                                        0)
    assert (cash_only["former_units_total"], cash_only["former_units_electronic"]) == (4, 0)
    assert [p["name"] for p in cash_only["providers"]] == ["VNPost – VietinBank"]
    province = json.loads(cli("indicators", "--unit", "46", "--json"))
    assert province == json.loads(cli("indicators", "--json"))
    text = cli("indicators", "--unit", "46")
    assert text.splitlines()[0] == "Chỉ số chi trả không dùng tiền mặt, kỳ 11/2026 · Thành phố Huế"
    assert "Xã trước sắp xếp 2025 chi trả không dùng tiền mặt: 137/141 (97,16%)" in text
    assert "- Viettel Money: " in text and "chi trả qua tài khoản" in text
    for args, message in ((("--period", "2026-13"), "Kỳ chi trả phải có dạng YYYY-MM"),
                          (("--period", "11/2026"), "Kỳ chi trả phải có dạng YYYY-MM"),
                          (("--unit", "99999"), "Không có đơn vị nào mã 99999")):
        assert message in cli("indicators", *args, expect=2)


@pytest.mark.parametrize("on_day, report, coming", [
    (date(2026, 11, 26), "2026-11", "2026-12"),
    (date(2027, 3, 5), "2027-02", "2027-03"),
], indirect=["on_day"])
def test_the_demo_is_dated_from_the_day_it_is_loaded(cli, on_day, report, coming):
    """Loaded on two days, the hints name the days the answers give, and the indicators open on the
    demo's report month."""
    printed = cli("demo", "--scale", "0.01")
    month, year = report[5:], report[:4]
    lai_paid = f"05/{month}/{year}"
    assert f"750.000đ đã vào ví Viettel Money ngày {lai_paid}" in printed
    answer = to_ascii(cli("ask", "--from", "0978451203", f"TC {int(month)}"))
    assert lai_paid in answer and "750.000d" in answer
    tho_hint = printed[printed.index("Hồ Văn Thọ"):].split("\n- ", 1)[0]
    days = {f"{first}/{coming[5:]}" for first in ("02", "03", "04", "05")}
    assert {f"02–03/{coming[5:]}", f"04–05/{coming[5:]}"} <= set(re.findall(r"\d\d–\d\d/\d\d", tho_hint))
    schedule = to_ascii(cli("ask", "--from", "0362718345", "LICH"))
    assert days <= set(re.findall(r"\d\d/\d\d", schedule)), schedule
    failed = to_ascii(cli("ask", "--from", "0935602417", f"TC {int(month)}"))
    assert f"{int(month)}/{year}" in failed and "Tai khoan bi khoa" in failed
    assert json.loads(cli("indicators", "--json"))["period"] == report
