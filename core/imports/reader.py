"""Reading officers' spreadsheets: CSV (UTF-8 with or without BOM, `,` `;` or tab), XLSX (openpyxl),
or old Excel .xls and LibreOffice .ods (python-calamine), through one Table and one error report.

Rows come out as (spreadsheet row number, {header as written: cell text}); title and blank
rows above the header are skipped, blank rows keep their numbers, so errors point at the row
the officer sees. Anything unreadable is an ImportFileError with a Vietnamese message.
"""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import logging
import math
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from core.imports.encodings import (
    DOUBLE_UTF8,
    convert,
    suspected_encoding,
    suspected_in_text,
)
from core.imports.problems import N_, ImportFileError

logger = logging.getLogger(__name__)

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")  # a stream of password-protected .xlsx files
WORKBOOK_SUFFIXES = (".xls", ".xlsx", ".xlsm", ".ods")
HEAD_BYTES = 1_000_000  # enough of a workbook's start to tell its format and whether it is encrypted
HEADER_SCAN = 20
UNREADABLE = N_("The file cannot be read: it must be a CSV, an Excel (.xlsx or .xls) or a LibreOffice (.ods) "
                "file.")
PROTECTED = N_("The workbook is protected with a password. Remove the password in Excel (File > Info > "
               "Protect "
               "Workbook) and save it again.")


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


def records(headers: list[str], numbered: Iterator[tuple[int, list]],
             to_text=cell_text) -> Iterator[tuple[int, dict[str, str]]]:
    for number, cells in numbered:
        texts = [to_text(c) for c in cells]
        if not any(texts):
            continue
        record: dict[str, str] = {}
        for header, text in zip(headers, texts):
            if header and header not in record:
                record[header] = text
        yield number, record


def split_header(numbered: Iterator[tuple[int, list]]) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """The header row and the rows after it. Officers often put a title ("DANH SÁCH …") and
    blank rows above the header: the header is the first of the first HEADER_SCAN non-blank
    rows that names two known columns, else the first non-blank row."""
    from core.imports.columns import is_known_header

    seen: list[tuple[int, list[str], list]] = []
    chosen = None
    for number, cells in numbered:
        texts = [cell_text(c) for c in cells]
        if not any(texts):
            continue
        seen.append((number, texts, cells))
        if sum(1 for text in texts if text and is_known_header(text)) >= 2:
            chosen = len(seen) - 1
            break
        if len(seen) >= HEADER_SCAN:
            break
    if not seen:
        return [], iter(())
    chosen = chosen or 0
    rest = ((number, cells) for number, _, cells in seen[chosen + 1:])
    return seen[chosen][1], itertools.chain(rest, numbered)


def refuse_legacy_headers(headers: list[str]) -> None:
    """Headers that only read as known columns in an old encoding: the cells were typed with a
    TCVN3 or VNI font, or UTF-8 was read as Latin-1 on the way."""
    from core.imports.columns import is_vietnamese_header

    name = suspected_in_text(headers, is_vietnamese_header)
    if name == DOUBLE_UTF8:
        raise ImportFileError(N_("The Vietnamese letters in this file were garbled by a wrong conversion "
                                 "(UTF-8 read "
                                 "as Latin-1). Open the original file and save it again as «CSV UTF-8»."))
    if name:
        raise ImportFileError(LEGACY_MESSAGE, encoding=name)


LEGACY_MESSAGE = N_("The file is written in the old %(encoding)s Vietnamese encoding. Convert it to Unicode "
                    "(for example "
                    "with Unikey's converter) or, in Excel, save it again as «CSV UTF-8».")


def _utf16_without_bom(data: bytes) -> str | None:
    """Text saved as UTF-16 without a byte-order mark: every other byte of ASCII text is 0."""
    sample = data[:2000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    codec = "utf-16-le" if odd > half * 0.4 and even < half * 0.05 else (
        "utf-16-be" if even > half * 0.4 and odd < half * 0.05 else None)
    if codec is None:
        return None
    try:
        return data[: len(data) // 2 * 2].decode(codec)
    except UnicodeDecodeError:
        return None


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(UNREADABLE) from None
    elif (text := _utf16_without_bom(data)) is not None:
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from core.imports.columns import is_vietnamese_header

    first_line = next((line for line in data.splitlines() if line.strip()), b"")
    name = suspected_encoding(first_line, is_vietnamese_header)
    text = convert(data, name) if name else None
    if text is not None:
        logger.info("import file converted from %s", name)
        return text
    if name:
        logger.info("import file looks like %s", name)
        raise ImportFileError(LEGACY_MESSAGE, encoding=name)
    # Windows-1258, TCVN3 or VNI without a recognisable header: guessing would store garbled
    # names, so the officer is asked to save it again as UTF-8.
    logger.info("import file is not UTF-8")
    raise ImportFileError(N_("The file is not UTF-8 text. In Excel, save it again as «CSV UTF-8».")) from None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_lines(reader) -> Iterator[tuple[int, list]]:
    """Rows with their line numbers; a cell over the csv module's limit is a file-level error."""
    number = 0
    try:
        for cells in reader:
            number += 1
            yield number, cells
    except csv.Error:
        raise ImportFileError(N_("Row %(row)s cannot be read: a cell is far too long or a quote is not "
                                 "closed."),
                              row=number + 1) from None


def _read_csv(data: bytes) -> Table:
    text = unicodedata.normalize("NFC", _decode(data))
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise ImportFileError(N_("The file is empty: there is no header row."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    headers, rest = split_header(_csv_lines(reader))
    if not any(headers):
        raise ImportFileError(N_("The file is empty: there is no header row."))
    refuse_legacy_headers(headers)
    return Table(headers, records(headers, rest, str.strip))


STREAM_HEAD = 1 << 16  # bytes of a file's start that decide whether it can be read as it is imported


def _streamed_csv(path: Path) -> Table | None:
    """A UTF-8 CSV file read line by line as it is imported, so a national list of gigabytes is
    never held whole. None when its start is not plain UTF-8 (UTF-16, legacy encodings, NULs, a
    workbook): that file is read whole and decoded as `_read_csv` does."""
    try:
        handle = path.open("rb")
    except OSError:
        return None
    head = handle.read(STREAM_HEAD)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        plain = b"\x00" not in head and not head.startswith((XLSX_MAGIC, XLS_MAGIC, b"\xff\xfe", b"\xfe\xff"))
    except UnicodeDecodeError:
        plain = False
    if not plain:
        handle.close()
        return None
    handle.seek(0)
    lines = _checked_lines(io.TextIOWrapper(handle, encoding="utf-8-sig", newline=""))
    start: list[str] = []  # up to the first line that is not blank
    for line in lines:
        start.append(line)
        if line.strip():
            break
    if not start or not start[-1].strip():
        raise ImportFileError(N_("The file is empty: there is no header row."))
    reader = csv.reader(itertools.chain(start, lines), delimiter=_delimiter(start[-1]))
    headers, rest = split_header(_csv_lines(reader))
    if not any(headers):
        raise ImportFileError(N_("The file is empty: there is no header row."))
    refuse_legacy_headers(headers)
    return Table(headers, records(headers, rest, str.strip))


def _checked_lines(text: io.TextIOWrapper) -> Iterator[str]:
    """Lines in NFC; bytes that are not UTF-8 or a NUL further on are a file-level error
    (the import's transaction is then rolled back)."""
    try:
        for line in text:
            if not line.isascii():
                line = unicodedata.normalize("NFC", line)
            if "\x00" in line:
                raise ImportFileError(UNREADABLE)
            yield line
    except UnicodeDecodeError:
        logger.info("import file is not UTF-8 after its start")
        raise ImportFileError(
            N_("The file is not UTF-8 text. In Excel, save it again as «CSV UTF-8».")
        ) from None
    finally:
        text.close()


def read_table(path_or_bytes: str | Path | bytes, filename: str | None = None) -> Table:
    """Open a CSV, XLSX, XLS or ODS file (a path, or its bytes with an optional file name)."""
    from core.imports.workbooks import calamine_format, read_calamine, read_xlsx

    path = None
    if isinstance(path_or_bytes, (bytes, bytearray)):
        data = bytes(path_or_bytes)
    else:
        path = Path(path_or_bytes)
        filename = filename or path.name
        if not filename.lower().endswith(WORKBOOK_SUFFIXES) and (table := _streamed_csv(path)) is not None:
            return table
        try:
            with path.open("rb") as handle:
                data = handle.read(HEAD_BYTES)
                if len(data) == HEAD_BYTES and calamine_format(data, filename.lower()) is None:
                    data += handle.read()
        except OSError:
            raise ImportFileError(N_("The file cannot be found or opened: %(name)s"),
                                  name=str(path)) from None
    name = (filename or "").lower()
    if data.startswith(XLS_MAGIC) and _ENCRYPTED_MARK in data[:HEAD_BYTES]:
        raise ImportFileError(PROTECTED)
    if (suffix := calamine_format(data, name)) is not None:
        return read_calamine(path if path is not None else data, suffix)
    if data.startswith(XLSX_MAGIC) or name.endswith((".xlsx", ".xlsm")):
        return read_xlsx(data)
    if not data.strip():
        raise ImportFileError(N_("The file is empty: there is no header row."))
    return _read_csv(data)
