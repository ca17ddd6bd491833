"""Example files an officer can start from: each kind of import with every column under its
Vietnamese header and a few rows of made-up people filled in (docs/IMPORTS.md describes the columns).
CSV as kept in console/examples/ (UTF-8 with BOM, as Excel reads Vietnamese), or the same cells
as an Excel workbook."""
from __future__ import annotations

import csv
from pathlib import Path

from flask import Response, abort

from console.exports import to_xlsx
from console.web import bp, login_required
from core.imports import KINDS

EXAMPLES = Path(__file__).resolve().parent / "examples"
DOWNLOAD_NAMES = {"beneficiaries": "vi-du-danh-sach-doi-tuong", "payments": "vi-du-ket-qua-chi-tra",
                  "schedules": "vi-du-lich-chi-tra-tien-mat"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def example_rows(kind: str) -> list[list[str]]:
    with (EXAMPLES / f"{kind}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def example_xlsx(kind: str) -> bytes:
    """Every cell as text, so codes and phones keep their leading zeros and "1,5" stays as written."""
    header, *rows = example_rows(kind)
    return to_xlsx(header, rows, DOWNLOAD_NAMES[kind].removeprefix("vi-du-"))


@bp.get("/imports/examples/<kind>.<fmt>")
@login_required
def import_example(kind: str, fmt: str):
    if kind not in KINDS or fmt not in ("csv", "xlsx"):
        abort(404)
    if fmt == "csv":
        body, mimetype = (EXAMPLES / f"{kind}.csv").read_bytes(), "text/csv; charset=utf-8"
    else:
        body, mimetype = example_xlsx(kind), XLSX
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{DOWNLOAD_NAMES[kind]}.{fmt}"'})
