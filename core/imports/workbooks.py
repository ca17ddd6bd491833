"""Workbooks: XLSX through openpyxl, old Excel .xls (BIFF) and LibreOffice .ods through
python-calamine. Each gives the same Table as a CSV (core.imports.reader): the sheet an officer
sees, title rows skipped, rows numbered as in the sheet, read one at a time as they are imported;
a damaged or protected workbook is an ImportFileError with a Vietnamese message."""
from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

from core.imports.problems import N_, ImportFileError
from core.imports.reader import (
    PROTECTED,
    UNREADABLE,
    XLS_MAGIC,
    XLSX_MAGIC,
    Table,
    records,
    refuse_legacy_headers,
    split_header,
)

logger = logging.getLogger(__name__)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"  # an .ods zip's first entry


def calamine_format(head: bytes, name: str) -> str | None:
    """'.xls' or '.ods' when the file is one (by its first bytes, else by its name): read with
    python-calamine. An .xlsx is left to openpyxl."""
    if head.startswith(XLS_MAGIC):
        return ".xls"
    if head.startswith(XLSX_MAGIC) and ODS_MIMETYPE in head[:200]:
        return ".ods"
    if not head.startswith(XLSX_MAGIC) and name.endswith((".xls", ".ods")):
        return name[-4:]
    return None


def _unreadable(exc: BaseException) -> ImportFileError:
    logger.info("cannot open workbook: %s: %s", type(exc).__name__, exc)
    return ImportFileError(UNREADABLE)


def _sheet(workbook):
    """The sheet Excel opens on, or the first worksheet when that is a chart."""
    active = workbook.active
    if active is not None and hasattr(active, "iter_rows"):
        return active
    return workbook.worksheets[0]


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    # openpyxl reports a damaged workbook with whatever its zip, XML or parsing layer raised
    # (BadZipFile, KeyError, ParseError, zlib.error, TypeError…): any of them means "cannot read".
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = _sheet(workbook)
    except Exception as exc:  # noqa: BLE001 - see above
        raise _unreadable(exc) from None
    return _sheet_table(_guarded_rows(lambda: sheet.iter_rows(values_only=True)), workbook.close)


def read_calamine(source: Path | bytes, suffix: str) -> Table:
    """An old Excel (.xls, BIFF) or LibreOffice (.ods) workbook, through python-calamine: the
    first visible worksheet, its rows turned into Python values one at a time as they are
    imported."""
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        if isinstance(source, Path):
            workbook = CalamineWorkbook.from_path(str(source))
        else:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(source))
        sheet = _calamine_sheet(workbook)
    except PasswordError:
        raise ImportFileError(PROTECTED) from None
    except Exception as exc:  # noqa: BLE001 - calamine's errors (CalamineError, XmlError, ZipError…) alike
        logger.info("cannot open %s workbook: %s: %s", suffix, type(exc).__name__, exc)
        raise ImportFileError(N_("The %(format)s file is damaged and cannot be read. Open it in Excel or "
                                 "LibreOffice "
                                 "and save it again."), format=suffix) from None
    return _sheet_table(_guarded_rows(sheet.iter_rows), workbook.close)


def _calamine_sheet(workbook):
    """The first visible worksheet (a hidden or chart sheet is not the list an officer sees)."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    for index, meta in enumerate(workbook.sheets_metadata):
        if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible:
            return workbook.get_sheet_by_index(index)
    return workbook.get_sheet_by_index(0)


def _sheet_table(numbered: Iterator[tuple[int, list]], close) -> Table:
    """A workbook's rows as a Table; the workbook is closed when its rows are read or on error."""
    try:
        headers, rest = split_header(numbered)
        if not any(headers):
            raise ImportFileError(N_("The file is empty: there is no header row."))
        refuse_legacy_headers(headers)
    except ImportFileError:
        close()
        raise

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            yield from records(headers, rest)
        finally:
            close()

    return Table(headers, rows())


def _guarded_rows(iter_rows) -> Iterator[tuple[int, list]]:
    """The sheet's rows (from row 1) with their numbers; damage found while reading them is a
    file-level error (the import's transaction is then rolled back)."""
    number = 0
    try:
        for number, cells in enumerate(iter_rows(), start=1):
            yield number, list(cells)
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - as in read_xlsx
        logger.info("workbook damaged after row %s: %s: %s", number, type(exc).__name__, exc)
        raise ImportFileError(N_("The workbook is damaged from row %(row)s on. Open it in Excel and save it "
                                 "again."),
                              row=number + 1) from None
