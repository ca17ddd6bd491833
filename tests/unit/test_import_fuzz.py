"""Generated import files, thousands of them, broken in the ways officers' files are (damaged or
password-protected workbooks, old Excel .xls and LibreOffice .ods, title rows, formulas and error cells,
TCVN3/VNI/Windows-1258 and
UTF-16 text, NUL bytes, swapped, missing or doubled columns, wrong types, NFD text, emoji,
control characters, formula injection, huge cells), through the import API, the CLI and the
console upload. Whatever the file: only ImportFileError escapes, the CLI exits 0/1/2 with
Vietnamese and no traceback, the console never answers 500, errors name a row and a column
when a row exists, and rejected rows leave nothing behind: the database holds exactly what the
file's good rows alone would have written (nothing at all when no row was good)."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from ansinh.cli import main
from core.imports import ImportFileError, import_file, import_rows, read_table
from core.imports.columns import match_headers
from core.imports.problems import shown
from core.imports.reader import Table
from tests.conftest import TODAY
from tests.console_support import THUAN_HOA, make_officer, post, sign_in
from tests.fuzz_support import fuzz_settings, record_file
from tests.import_fuzz_support import (
    COLUMNS,
    examples,
    import_files,
    sheets,
    snapshot,
    to_csv,
    to_xlsx,
    vietnamese,
)

LINE = re.compile(r"^Dòng (\d+), cột «(.*)»: (.+)$")
WARNINGS = "Cảnh báo (các dòng này vẫn được nhập, ghi như trong tệp):"


@pytest.fixture
def listed(sessions, data_dir):
    """Six beneficiaries already on file, so payments can match and re-imports can update."""
    import_file(sessions, "beneficiaries", data_dir / "import_beneficiaries.csv", today=TODAY.date())
    return sessions


def _outcome(report) -> str:
    return "row errors" if report.errors else "clean"


def _check_report(report, headers: list[str], rows: list[tuple[int, dict]]) -> None:
    """Every error names a row of the file (or row 1 for a missing column), a column as headed
    in the file (or the missing column's header), and says why in Vietnamese."""
    numbers = {number for number, _ in rows}
    shown_headers = {shown(h) for h in headers}
    required = {shown(c.header) for c in COLUMNS[report.kind] if c.required}
    assert report.total == len(rows)
    for error in report.errors:
        assert vietnamese(error.message), error
        if error.row == 1:
            assert error.column in required, error
        else:
            assert error.row in numbers and error.column in shown_headers, (error, headers)


def _import_rolled_back(sessions, kind: str, headers: list[str], rows: list[tuple[int, dict]]):
    with sessions() as session:
        report = import_rows(session, kind, Table(headers, iter(rows)), today=TODAY.date())
        state = snapshot(session, canonical=True)
        session.rollback()
    return report, state


@hsettings(fuzz_settings, max_examples=examples(900))
@given(file=import_files())
def test_import_api_on_generated_files(listed, file):
    kind, data, name = file
    with listed() as session:
        before = snapshot(session, canonical=True)
    try:
        table = read_table(data, name)
        rows = list(table)
    except ImportFileError as problem:
        record_file("api", "file-level error")
        assert vietnamese(str(problem)), str(problem)
        return
    report, after = _import_rolled_back(listed, kind, table.headers, rows)
    record_file("api", _outcome(report))
    _check_report(report, table.headers, rows)
    rejected = {error.row for error in report.errors}
    if report.refusal is not None:  # a missing column or another kind's file: nothing, and every row counted
        assert report.rejected == report.total == len(rows) and report.headline()[0] == "error"
    if report.refusal is not None or 1 in rejected or rejected >= {number for number, _ in rows}:
        assert before == after, "rows were written although every row was rejected"
        return
    good = [(number, record) for number, record in rows if number not in rejected]
    alone, alone_state = _import_rolled_back(listed, kind, table.headers, good)
    assert alone.errors == []
    assert (alone.created, alone.updated, alone.unchanged) == (report.created, report.updated,
                                                               report.unchanged)
    assert alone_state == after, "a rejected row left something in the database"


@pytest.fixture
def run_cli(sessions, settings, tmp_path):
    runner = CliRunner()

    def invoke(kind: str, data: bytes, name: str):
        path = tmp_path / re.sub(r"[^A-Za-z0-9.-]", "_", name)
        path.write_bytes(data)
        return runner.invoke(main, ["import", kind, str(path), "--today", TODAY.date().isoformat()],
                             env={"ANSINH_DATABASE_URL": settings.database_url})

    return invoke


@hsettings(fuzz_settings, max_examples=examples(250))
@given(file=import_files())
def test_import_cli_on_generated_files(listed, run_cli, file):
    kind, data, name = file
    with listed() as session:
        before = snapshot(session)
    result = run_cli(kind, data, name)
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    record_file("cli", f"exit {result.exit_code}")
    lines = result.stdout.splitlines()
    if result.exit_code == 2:
        assert vietnamese(result.stderr) and lines == []
        with listed() as session:
            assert snapshot(session) == before
        return
    assert lines and lines[0].startswith("Tổng số dòng:")
    warned = lines.index(WARNINGS) if WARNINGS in lines else len(lines)
    assert all(line.startswith("Đơn vị chi trả không rõ: ") for line in lines[warned + 1:]), lines
    rest = lines[1:warned]
    said_why = bool(rest) and not rest[0].startswith("Các lỗi")  # nothing was imported, and why
    if said_why:
        assert vietnamese(rest.pop(0)) and "thêm mới: 0 · cập nhật: 0 · không đổi: 0 ·" in lines[0], lines
    errors = [LINE.match(line) for line in rest[1:]]
    assert all(errors), lines
    assert (result.exit_code == 1) == bool(errors or said_why)
    if errors and "thêm mới: 0 · cập nhật: 0" in lines[0]:
        with listed() as session:
            assert snapshot(session) == before


@pytest.fixture
def console(app, listed):
    app.config["CONSOLE_IMPORT_INLINE"] = True
    with listed.begin() as session:
        make_officer(session, "tinh", "province", "46")
        make_officer(session, "lan", "commune", THUAN_HOA)
    clients = {}
    for username in ("tinh", "lan"):
        clients[username] = app.test_client()
        sign_in(clients[username], username)
    return clients


@hsettings(fuzz_settings, max_examples=examples(200))
@given(file=import_files(), who=st.sampled_from(["tinh", "lan"]))
def test_console_upload_of_generated_files(listed, console, file, who):
    import io

    kind, data, name = file
    client = console[who]
    with listed() as session:
        before = snapshot(session)
    response = post(client, "/console/imports", {"kind": kind, "file": (io.BytesIO(data), name)},
                    content_type="multipart/form-data")
    assert response.status_code in (302, 303), response.status_code
    location = response.headers["Location"]
    if "/console/imports/" not in location:  # refused before the import (file type): a flash message
        record_file("console", "refused upload")
        return
    page = client.get(location)
    assert page.status_code == 200
    status = client.get(location + "/status").get_json()
    record_file("console", status["status"])
    assert status["status"] in ("done", "failed", "refused"), status
    if status["status"] == "failed":
        assert vietnamese(status["message"]) and "unexpectedly" not in status["message"]
        assert "không mong đợi" not in status["message"] and "bất ngờ" not in status["message"], status[
            "message"
        ]
    if status["status"] != "done" or (status["rejected"] and not status["created"] and not status["updated"]):
        with listed() as session:
            assert snapshot(session) == before
    report = client.get(location + "/errors.csv")
    assert report.status_code == 200


@hsettings(fuzz_settings, max_examples=examples(150))
@given(data=st.data())
def test_valid_files_import_the_same_whatever_the_column_order_or_format(listed, data):
    """The same good rows with their columns shuffled, as CSV or XLSX, write the same rows."""
    sheet = data.draw(sheets(good_only=True))
    order = data.draw(st.permutations(range(len(sheet.headers))))
    shuffled = type(sheet)(sheet.kind, [sheet.headers[i] for i in order], [sheet.keys[i] for i in order],
                           [[row[i] for i in order] for row in sheet.rows])
    states = []
    for version, as_xlsx in ((sheet, False), (shuffled, data.draw(st.booleans()))):
        table = read_table(to_xlsx(version, formulas=False) if as_xlsx else to_csv(version),
                           "a.xlsx" if as_xlsx else "a.csv")
        rows = list(table)
        assert match_headers(table.headers, COLUMNS[sheet.kind]).missing == []
        report, state = _import_rolled_back(listed, sheet.kind, table.headers, rows)
        states.append(((report.total, report.created, report.updated, report.unchanged, report.rejected),
                       state))
    record_file("api", "column order")
    assert states[0] == states[1]
