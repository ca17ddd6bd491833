"""The indicators as a table an officer opens in Excel: CSV (UTF-8 with BOM, so Excel reads the
Vietnamese; ";" between cells and decimal commas, as Excel set to Vietnamese expects) or XLSX
(openpyxl), with the same rows either way.

Names in these tables come from imported lists (a provider typed as `=HYPERLINK(…)`), so no
cell may reach Excel as a formula: CSV text starting with = + - @ tab or CR gets a leading
apostrophe, and so does such text right after a `;`, `,`, tab or line break inside a field (a
spreadsheet set to split on that character would start a new cell there); every CSV field is
quoted; XLSX text is always stored as text (OWASP "CSV injection")."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from core.i18n import Translator
from core.reports.indicators import Indicators


def indicator_rows(data: Indicators, t: Translator, scope_label: str) -> tuple[list[str], list[list]]:
    header = [t._("Group"), t._("Name"), t._("Beneficiaries"), t._("With an account"),
              t._("Share with an account"),
              t._("Paid through an account"), t._("Share paid through an account")]
    rows: list[list] = []

    def add(group: str, row) -> None:
        rows.append([group, row.label, row.beneficiaries, row.with_account, round(row.account_share * 100, 2),
                     row.paid_electronic, round(row.paid_share * 100, 2)])

    total = data.total
    total.label = scope_label
    add(t._("Total"), total)
    for row in data.by_provider:
        add(t._("Payment provider"), row)
    for row in data.by_unit:
        add(t._("Unit"), row)
    rows.append([t._("Units paying electronically"), f"{data.units_electronic}/{data.units_total}",
                 data.units_total,
                 "", "", data.units_electronic, round(data.units_share * 100, 2)])
    if data.former_units_total:
        rows.append([t._("Communes paying electronically, before the 2025 merger"),
                     f"{data.former_units_electronic}/{data.former_units_total}", data.former_units_total,
                     "", "",
                     data.former_units_electronic, round(data.former_units_share * 100, 2)])
    return header, rows


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A formula sign after a separator (and any blanks): where a spreadsheet splitting on it starts a cell.
FORMULA_AFTER_SEPARATOR = re.compile(r"([;,\t\r\n][ \t\r\n]*)(?=[=+\-@])")


def inert(value: object) -> object:
    """A CSV cell Excel shows as typed instead of running it."""
    if not isinstance(value, str):
        return value
    value = FORMULA_AFTER_SEPARATOR.sub(r"\1'", value)
    return "'" + value if value.startswith(FORMULA_START) else value


# Excel set to Vietnamese writes 96,36 and separates list items with ";": a CSV in that form
# opens straight into columns, with shares as numbers (the BOM tells it the file is UTF-8).
SEPARATOR = ";"


def excel_number(value: object) -> object:
    """96.36 -> '96,36': a decimal as Excel reads it in Vietnamese; other cells unchanged."""
    return str(value).replace(".", ",") if isinstance(value, float) else value


def to_csv(header: list[str], rows: Iterable[list]) -> str:
    """UTF-8 with a BOM (Excel then reads the Vietnamese), every field quoted and inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=SEPARATOR, quoting=csv.QUOTE_ALL)
    writer.writerow([inert(v) for v in header])
    writer.writerows([inert(excel_number(v)) for v in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


def to_xlsx(header: list[str], rows: list[list], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for line in sheet.iter_rows():
        for cell in line:
            # Openpyxl takes "=…" text for a formula
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"
    for index, width in enumerate((22, 34, 14, 16, 14, 20, 16), start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
