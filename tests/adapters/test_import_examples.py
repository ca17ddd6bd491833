"""The example import files on the console's imports page: every column of each kind under the
header the import reads (as docs/IMPORTS.md lists them), downloadable as CSV and as Excel, and
importable as downloaded, with no row rejected."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.imports.columns import BENEFICIARY_COLUMNS, PAYMENT_COLUMNS, SCHEDULE_COLUMNS
from core.models import AuditLog, Beneficiary, CashSchedule, Payment
from tests.support.console_support import make_officer, post, sign_in

COLUMNS = {"beneficiaries": BENEFICIARY_COLUMNS, "payments": PAYMENT_COLUMNS, "schedules": SCHEDULE_COLUMNS}
IMPORTS_DOC = Path(__file__).resolve().parents[2] / "docs" / "IMPORTS.md"


@pytest.fixture
def officer(app, sessions):
    app.config["CONSOLE_IMPORT_INLINE"] = True
    with sessions.begin() as session:
        make_officer(session, "tinh", "province", "46")
    return sessions


def _download(client, kind: str, fmt: str) -> bytes:
    response = client.get(f"/console/imports/examples/{kind}.{fmt}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    return response.get_data()


def _header(kind: str, fmt: str, body: bytes) -> list[str]:
    if fmt == "csv":
        return body.decode("utf-8-sig").splitlines()[0].split(",")
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [cell for cell in next(sheet.iter_rows(values_only=True))]


def test_the_imports_page_links_an_example_of_each_kind(client, officer):
    sign_in(client, "tinh")
    page = client.get("/console/imports").get_data(as_text=True)
    for kind in COLUMNS:
        for fmt in ("csv", "xlsx"):
            assert f'href="/console/imports/examples/{kind}.{fmt}"' in page
    assert client.get("/console/imports/examples/payments.pdf").status_code == 404


def test_examples_need_a_signed_in_officer(client, officer):
    assert client.get("/console/imports/examples/beneficiaries.csv").status_code == 302


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_example_has_every_column_and_imports_without_a_rejected_row(client, officer, fmt):
    sign_in(client, "tinh")
    for kind, columns in COLUMNS.items():  # beneficiaries first: payments and schedules refer to them
        body = _download(client, kind, fmt)
        assert _header(kind, fmt, body) == [column.header for column in columns]
        form = {"kind": kind, "file": (io.BytesIO(body), f"vi-du.{fmt}")}
        response = post(client, "/console/imports", form, content_type="multipart/form-data")
        assert response.status_code == 302
    with officer() as session:
        counts = [session.scalar(select(func.count()).select_from(model)) for model in (Beneficiary, Payment,
                                                                                          CashSchedule)]
        details = session.scalars(select(AuditLog.detail).where(AuditLog.action.like("import.%")))
        reports = [detail for detail in details if "rejected" in detail]  # finished imports, not their start
    assert counts == [7, 7, 4]
    assert len(reports) == 3 and all(report["rejected"] == 0 for report in reports), reports


def test_the_import_guide_lists_every_header_of_every_kind():
    guide = IMPORTS_DOC.read_text(encoding="utf-8")
    for columns in COLUMNS.values():
        for column in columns:
            assert re.search(rf"\|\s*{re.escape(column.header)}\s*\|\s*`{column.key}`", guide), column.header
