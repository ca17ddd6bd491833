"""Real old-format workbooks for the import tests, made in the test: `.xls` (BIFF8, as Excel 97–2003
saves it) with xlwt and `.ods` (OpenDocument, as LibreOffice saves it) with odfpy. Dates are
written as date cells with a date format, numbers as numbers and everything else as text, the way
an officer's spreadsheet holds them."""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime

Cell = object
Row = Sequence[Cell]


def to_xls(rows: Sequence[Row], *, sheet: str = "Danh sách", hidden_first: bool = False, start_row: int = 0,
           start_column: int = 0) -> bytes:
    """An Excel 97–2003 workbook; `hidden_first` puts an empty, hidden sheet before the list."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    if hidden_first:
        book.add_sheet("Ẩn").visibility = 1
    page = book.add_sheet(sheet)
    dated = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (date, datetime)):
                page.write(start_row + r, start_column + c, value, dated)
            else:
                page.write(start_row + r, start_column + c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_ods(rows: Sequence[Row], *, sheet: str = "Danh sách") -> bytes:
    """A LibreOffice Calc spreadsheet."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=sheet)
    for row in rows:
        line = TableRow()
        for value in row:
            if value is None:
                cell = TableCell()
            elif isinstance(value, (date, datetime)):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
                cell.addElement(P(text=value.strftime("%d/%m/%Y")))
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
            line.addElement(cell)
        table.addElement(line)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()
