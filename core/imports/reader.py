"""Reading officers' spreadsheets: CSV (UTF-8 with or without BOM, `,` `;` or tab) or XLSX.

Rows come out as (spreadsheet row number, {header as written: cell text}); the header is row 1,
blank rows are skipped but keep their numbers, so errors point at the row the officer sees.
"""
from __future__ import annotations

import csv
import io
import logging
import math
import unicodedata
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from core.imports.problems import N_, ImportFileError

logger = logging.getLogger(__name__)

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


def cell_text(value: object) -> str:
    """A cell as text: dates as dd/mm/yyyy, 750000.0 as '750000', text stripped and NFC."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return f"{value.hour}:{value.minute:02d}"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (float, Decimal)):
        if not math.isfinite(value):
            return ""
        if value == int(value):
            return str(int(value))
        return f"{value:.10f}".rstrip("0")
    return unicodedata.normalize("NFC", str(value)).strip()


class Table:
    """Rows of one sheet; `headers` is the header row as written in the file."""

    def __init__(self, headers: list[str], rows: Iterator[tuple[int, dict[str, str]]]):
        self.headers = headers
        self._rows = rows

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return self._rows


def _records(headers: list[str], lines: Iterator[list], first_row: int,
             to_text=cell_text) -> Iterator[tuple[int, dict[str, str]]]:
    for number, cells in enumerate(lines, start=first_row):
        texts = [to_text(c) for c in cells]
        if not any(texts):
            continue
        record: dict[str, str] = {}
        for header, text in zip(headers, texts):
            if header and header not in record:
                record[header] = text
        yield number, record


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Most likely Windows-1258 or Latin-1 from an old Excel "CSV": guessing would store
        # garbled names, so the officer is asked to save it again as UTF-8.
        logger.info("import file is not UTF-8")
        raise ImportFileError(N_("The file is not UTF-8 text. In Excel, save it again as «CSV UTF-8».")) from None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Table:
    text = unicodedata.normalize("NFC", _decode(data))
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise ImportFileError(N_("The file is empty: there is no header row."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    headers: list[str] = []
    number = 0
    for number, cells in enumerate(reader, start=1):
        if any(c.strip() for c in cells):
            headers = [cell_text(c) for c in cells]
            break
    return Table(headers, _records(headers, reader, number + 1, str.strip))


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.active or workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header_cells = next(lines, None)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
        logger.info("cannot open workbook: %s", exc)
        raise ImportFileError(N_("The file cannot be read: it must be a CSV or an Excel (.xlsx) file.")) from None
    if not header_cells or not any(cell_text(c) for c in header_cells):
        workbook.close()
        raise ImportFileError(N_("The file is empty: there is no header row."))
    headers = [cell_text(c) for c in header_cells]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            yield from _records(headers, lines, 2)
        finally:
            workbook.close()

    return Table(headers, rows())


def read_table(path_or_bytes: str | Path | bytes, filename: str | None = None) -> Table:
    """Open a CSV or XLSX file (a path, or its bytes with an optional file name)."""
    if isinstance(path_or_bytes, (bytes, bytearray)):
        data = bytes(path_or_bytes)
    else:
        path = Path(path_or_bytes)
        filename = filename or path.name
        try:
            data = path.read_bytes()
        except OSError:
            raise ImportFileError(N_("The file cannot be found or opened: %(name)s"), name=str(path)) from None
    name = (filename or "").lower()
    if data.startswith(_XLS_MAGIC) or name.endswith(".xls"):
        raise ImportFileError(N_("Old Excel files (.xls) cannot be read. Save the file as .xlsx or «CSV UTF-8»."))
    if data.startswith(_XLSX_MAGIC) or name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    if not data.strip():
        raise ImportFileError(N_("The file is empty: there is no header row."))
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(N_("The file cannot be read: it must be a CSV or an Excel (.xlsx) file."))
    return _read_csv(data)
