"""The province's e-payment indicators, live: the numbers, the page with its SVG charts, and the
CSV and XLSX exports."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from core.reports.indicators import compute, trend
from tests.console_support import (
    PHU_VINH,
    THUAN_HOA,
    make_beneficiary,
    make_officer,
    make_payment,
    sign_in,
)

VIETTEL, VNPOST = "Viettel Money", "VNPost – VietinBank"


@pytest.fixture
def province(sessions):
    """Thuận Hóa: 4 people on Viettel (3 with an account, 2 paid by e-wallet in 11/2026, 1 in 10/2026);
    Phú Vinh: 2 on VNPost paid in cash (none with an account)."""
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
        make_officer(session, "tinh", "province", "46")
        people = [make_beneficiary(session, f"BT00{i}", f"Người {i}", THUAN_HOA,
                                   method="ewallet" if i < 4 else "cash",
                                   has_account=i < 4, provider=VIETTEL) for i in range(1, 5)]
        make_payment(session, people[0], "2026-11", "paid", "ewallet")
        make_payment(session, people[1], "2026-11", "paid", "ewallet")
        make_payment(session, people[2], "2026-11", "failed", "ewallet")
        make_payment(session, people[3], "2026-11", "paid", "cash")
        make_payment(session, people[0], "2026-10", "paid", "ewallet")
        for i in (5, 6):
            cash = make_beneficiary(session, f"BT00{i}", f"Người {i}", PHU_VINH, provider=VNPOST)
            make_payment(session, cash, "2026-11", "paid", "cash")
    return sessions


def test_the_numbers(province):
    with province() as session:
        data = compute(session, "2026-11")
        points = trend(session)
    assert (data.units_electronic, data.units_total) == (1, 2)
    assert (data.total.beneficiaries, data.total.with_account, data.total.paid_electronic) == (6, 3, 2)
    by_provider = {row.key: (row.beneficiaries, row.with_account,
                             row.paid_electronic) for row in data.by_provider}
    assert by_provider == {VIETTEL: (4, 3, 2), VNPOST: (2, 0, 0)}
    assert [(p.period, p.paid_electronic) for p in points] == [("2026-10", 1), ("2026-11", 2)]


def test_a_commune_sees_its_own_unit(province):
    with province() as session:
        data = compute(session, "2026-11", [PHU_VINH])
    assert data.total.beneficiaries == 2 and data.units_electronic == 0


def test_the_page_has_charts_and_tables(client, province):
    sign_in(client, "tinh")
    page = client.get("/console/indicators?period=2026-11").get_data(as_text=True)
    assert "Chỉ số chi trả không dùng tiền mặt" in page
    assert "1/2 <small>50%</small>" in page and "33,33%" in page
    assert page.count("<svg") >= 2 and "Phường Thuận Hóa" in page and VIETTEL in page
    assert "<polyline" in page


def test_csv_and_xlsx_exports(client, province):
    sign_in(client, "tinh")
    csv_text = client.get("/console/indicators.csv?period=2026-11").get_data(as_text=True)
    assert csv_text.startswith('\ufeff"Nhóm";"Tên";"Đối tượng"'), (
        "a BOM, and cells split as Excel in Vietnamese does"
    )
    assert f'"Đơn vị chi trả";"{VIETTEL}";"4";"3";"75,0";"2";"50,0"' in csv_text, "decimal commas"
    xlsx = client.get("/console/indicators.xlsx?period=2026-11")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Nhóm" and rows[1][2] == 6 and rows[1][5] == 2


def test_a_bad_period_falls_back_to_the_latest(client, province):
    sign_in(client, "lan")
    page = client.get("/console/indicators?period=2026-13").get_data(as_text=True)
    assert 'value="2026-11" selected' in page


def test_each_bar_has_its_share_written_just_after_it(client, province):
    sign_in(client, "tinh")
    page = client.get("/console/indicators?period=2026-11").get_data(as_text=True)
    chart = page[page.index('id="unit-chart"'):page.index('id="by-unit"')]
    bars = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"[^>]*>'
                      r'<title>([^<]+): ([\d,]+)%</title></rect><text x="([\d.]+)" '
                      r'y="([\d.]+)"[^>]*>(\d+)%</text>',
                      chart)
    assert len(bars) == 4, "two labelled bars per unit"
    for x, y, width, height, _name, share, text_x, text_y, label in bars:
        assert abs(float(text_x) - (float(x) + float(width) + 4)) < 0.2, "the label starts where its bar ends"
        assert float(y) <= float(text_y) <= float(y) + float(height) + 1, "and on the bar's line"
        assert int(label) == round(float(share.replace(",", "."))), "saying the bar's own share"
    thuan_hoa = sorted(int(bar[8]) for bar in bars if bar[4] == "Phường Thuận Hóa")
    assert thuan_hoa == [50, 75], "paid through an account 50%, with an account 75%"
