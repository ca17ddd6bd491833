"""Generated import files, good and broken (hypothesis), and the database checksums the import
fuzz tests compare. A file is drawn as a sheet (headers and cells of one kind), then written
as CSV in some encoding or as XLSX with some of Excel's habits, or broken as bytes."""
from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from hypothesis import strategies as st
from sqlalchemy import select

from core.imports.columns import BENEFICIARY_COLUMNS, PAYMENT_COLUMNS, SCHEDULE_COLUMNS
from core.imports.encodings import _TCVN3_TABLE, decode_vni
from core.models import Base
from tests.support.fuzz_support import EXAMPLES, NASTY

COLUMNS = {"beneficiaries": BENEFICIARY_COLUMNS, "payments": PAYMENT_COLUMNS, "schedules": SCHEDULE_COLUMNS}
# Tables an import writes (directly or through its listeners); audit_log and the console's job
# state record the attempt itself and are left out.
WRITTEN = ("beneficiaries", "beneficiary_categories", "persons", "identities", "contacts", "payments",
           "cash_schedules", "outbox")
VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]",
                        re.IGNORECASE)
UNITS = ["19786", "19945", "19975", "19777", "19810", "19815"]
CODES = [f"HUE-000{i}" for i in range(1, 7)] + [f"FZ-{i:03d}" for i in range(30)]


def examples(share: int) -> int:
    """This test's part of the run: `share` files when ANSINH_FUZZ_EXAMPLES is 2,000."""
    return max(20, EXAMPLES * share // 2000)


def vietnamese(text: str) -> bool:
    return bool(VIETNAMESE.search(text)) and "Traceback" not in text


# -- cells ----------------------------------------------------------------------------------------

GOOD = {
    "ma_doi_tuong": st.sampled_from(CODES),
    "ho_ten": st.sampled_from(["Nguyễn Thị Lài", "LÊ VĂN TƯ", "Hồ Thị Mai", "Phan Văn Bảy", "Đặng Thị Ửng"]),
    "ngay_sinh": st.sampled_from(["12/03/1938", "1941", "5/7/1950", "1946-02-20", "01.01.1945",
                                  date(1940, 2, 29)]),
    "gioi_tinh": st.sampled_from(["Nam", "Nữ", "nu", "F"]),
    "so_cccd": st.sampled_from(["046138000123", "079045001234", "123456789"]),
    "ma_xa": st.one_of(st.sampled_from(UNITS), st.sampled_from([19786, 19815.0])),
    "dia_chi": st.sampled_from(["12 Lê Lợi, Thuận Hóa", "Kiệt 5 Đặng Huy Trứ", "Vỹ Dạ"]),
    "che_do": st.sampled_from(["TCXH", "HTXH", "Trợ cấp xã hội"]),
    "dien_doi_tuong": st.sampled_from(["NCT_80", "NCT_80;NKT_NANG", "NKT_DBN", "TE_MC_4_16"]),
    "he_so": st.sampled_from(["1", "1,5", "2.5", 1.5]),
    "so_tien": st.sampled_from(["500.000", "750.000đ", "1,000,000", 750000, "360000"]),
    "hinh_thuc": st.sampled_from(["Tiền mặt", "Tài khoản", "Ví điện tử", "Viettel Money"]),
    "don_vi_chi_tra": st.sampled_from(["Bưu điện Huế", "Viettel", "=HYPERLINK(\"http://x.vn\",\"bấm\")"]),
    "so_tai_khoan": st.sampled_from(["1234 5678 90123", "VN0012345678"]),
    "so_dien_thoai": st.sampled_from(["0912345678", "+84 912 345 680", "01682345678", "0905.111.222",
                                      912345681]),
    "nguoi_giam_ho": st.sampled_from(["Trần Văn Hùng", "Phan Thị Hoa"]),
    "sdt_nguoi_giam_ho": st.sampled_from(["0905111222", "(+84)912345682"]),
    "quan_he": st.sampled_from(["con", "cháu", "được ủy quyền"]),
    "ky_chi_tra": st.sampled_from(["11/2026", "2026-11", "T12/2026", "Tháng 10/2026", datetime(2026, 11, 1)]),
    "trang_thai": st.sampled_from(["Đã chi trả", "Chờ chi trả", "Không thành công", "Bị trả về", "Tạm dừng"]),
    "ngay_chi_tra": st.sampled_from(["05/11/2026", date(2026, 11, 2)]),
    "ma_giao_dich": st.sampled_from(["VTM123456", "GD-1"]),
    "ghi_chu": st.sampled_from(["Tài khoản bị khóa", "Chờ xác minh"]),
    "tu_ngay": st.sampled_from(["02/12/2026", "05/12/2026", date(2026, 12, 3)]),
    "den_ngay": st.sampled_from(["04/12/2026", "05/12/2026", "01/12/2026"]),
    "gio": st.sampled_from(["7h30-11h00", "13:30 - 16:30", "7h-11h", time(7, 30)]),
    "dia_diem": st.sampled_from(["Nhà văn hóa tổ 5", "UBND phường Thuận Hóa", "Bưu điện An Cựu"]),
}
BAD = st.one_of(
    NASTY,
    st.sampled_from([
        "abc", "-500.000", "1.000.000.000.000", "999999999999", "31/02/1940", "12/03/2099", "2099", "0",
        "0912345678901", "+1 202 555 0100", "=HYPERLINK(\"http://evil.example\",\"Bấm vào đây\")", "=1+2",
        "@SUM(A1)",
        "#REF!", "#N/A", "#VALUE!", "😀👵", "\x00", "\x07bell", "\x1b]0;pwned\x07",
        "Ngu\u0303ye\u0302\u0303n",
        "A" * 300, "9" * 40, "¹²³", "١٢٣٤٥", "٠٩١٢٣٤٥٦٧٨", "\u202eNguyễn", "\ufffd\ufffd", "1e999", "NaN",
        " ",
        "NCT_80;KHONG_CO", "13/2026", "25h-26h", "đến", "Tài khoản (ngân hàng)",
    ]),
    st.text(max_size=30),
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=False),
    st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 1, 1)),
    st.none(),
)


@st.composite
def header_of(draw, column) -> str:
    name = draw(st.sampled_from([column.header, column.key, *column.aliases]))
    style = draw(st.sampled_from(["as is", "as is", "upper", "nfd", "padded", "lower"]))
    return {"upper": name.upper(), "nfd": unicodedata.normalize("NFD", name), "padded": f"  {name}: ",
            "lower": name.lower()}.get(style, name)


@dataclass
class Sheet:
    kind: str
    headers: list[str]
    keys: list[str | None]  # the column key under each header (None: unknown or empty header)
    rows: list[list[object]]


@st.composite
def sheets(draw, kind: str | None = None, good_only: bool = False) -> Sheet:
    kind = kind or draw(st.sampled_from(list(COLUMNS)))
    columns = COLUMNS[kind]
    chosen = [c for c in columns if (c.required and (good_only or draw(st.integers(0, 9)) > 0))
              or (not c.required and draw(st.booleans()))]
    headers = [draw(header_of(c)) for c in chosen]
    keys: list[str | None] = [c.key for c in chosen]
    if not good_only:
        for extra in draw(st.lists(st.sampled_from(["Ghi chú khác", "", "STT", "Cột lạ 😀", "=1+1"]),
                                   max_size=2)):
            headers.append(extra)
            keys.append(None)
        if headers and draw(st.integers(0, 9)) == 0:  # the same column twice
            headers.append(headers[0])
            keys.append(keys[0])
    order = draw(st.permutations(range(len(headers))))
    headers, keys = [headers[i] for i in order], [keys[i] for i in order]
    rows = []
    for _ in range(draw(st.integers(0, 2 if good_only else 7))):
        row = [
            draw(GOOD[key]) if key and (good_only or draw(st.integers(0, 3)) > 0) else draw(BAD)
            for key in keys
        ]
        if not good_only:
            shape = draw(st.integers(0, 9))
            if shape == 0:
                row.insert(0, "")  # shifted one cell to the right
            elif shape == 1:
                row = row[: len(row) // 2]
            elif shape == 2:
                row += ["thừa", 1, None]
        rows.append(row)
    return Sheet(kind, headers, keys, rows)


# -- writing files -------------------------------------------------------------------------------

def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


_TCVN3_ENCODE = {c: bytes([b]) for b, c in _TCVN3_TABLE.items() if len(c) == 1 and b >= 0xA1}
_VNI_ENCODE: dict[str, bytes] = {}
for _base in "aeiouyAEIOUYôöÔÖ":
    for _mark in range(0xC0, 0x100):
        _char = decode_vni(_base.encode("cp1252") + bytes([_mark]))
        if len(_char) == 1 and _char not in _VNI_ENCODE:
            _VNI_ENCODE[_char] = _base.encode("cp1252") + bytes([_mark])
for _mark in range(0xC0, 0x100):
    _char = decode_vni(bytes([_mark]))
    if (
        len(_char) == 1
        and not _char.isascii()
        and _char not in _VNI_ENCODE
        and unicodedata.combining(_char) == 0
    ):
        _VNI_ENCODE[_char] = bytes([_mark])


def legacy_bytes(text: str, encoding: str) -> bytes:
    """`text` as an old Vietnamese font encoding wrote it ('?' for what it has no code for)."""
    table = _TCVN3_ENCODE if encoding == "tcvn3" else _VNI_ENCODE
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        out += char.encode("ascii") if char.isascii() else table.get(char, b"?")
    return bytes(out)


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258_bytes(text: str) -> bytes:
    """`text` as Windows-1258 holds it: letters with their hat or horn, the tone as a separate mark."""
    out = []
    for char in unicodedata.normalize("NFD", text):
        if char in _TONES or not out:
            out.append(char)
        else:
            out.append(char) if unicodedata.combining(char) == 0 else out.__setitem__(-1, out[-1] + char)
    return "".join(unicodedata.normalize("NFC", c) for c in out).encode("cp1258", "replace")


ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1258", "tcvn3",
             "vni", "double-utf8", "latin-1"]


def encode(text: str, encoding: str) -> bytes:
    if encoding in ("tcvn3", "vni"):
        return legacy_bytes(text, encoding)
    if encoding == "cp1258":
        return cp1258_bytes(text)
    if encoding == "double-utf8":
        return text.encode("utf-8").decode("cp1252", "replace").encode("utf-8")
    return text.encode(encoding, "replace")


def to_csv(sheet: Sheet, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(sheet.headers)
    for row in sheet.rows:
        writer.writerow([_text(v) for v in row])
    return encode(buffer.getvalue(), encoding)


def to_xlsx(sheet: Sheet, *, title_rows: int = 0, extra_sheets: int = 0, merged: bool = False,
            blank_rows: bool = False, formulas: bool = True) -> bytes:
    """The sheet as an officer's workbook; `formulas` lets "=…" cells be formulas, as Excel makes them."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "Danh sách"
    for _ in range(title_rows):
        ws.append(["DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI THÁNG 11/2026"])
    if merged and sheet.headers:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(sheet.headers)))
    ws.append(sheet.headers)
    for row in sheet.rows:
        ws.append([_xlsx_value(v) for v in row])
        if not formulas:
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        if blank_rows:
            ws.append([])
    for index in range(extra_sheets):
        other = book.create_sheet(f"Sheet{index + 2}", index=0 if index % 2 else None)
        other.append(["Ghi chú", "=SUM(A1:A3)"])
    out = io.BytesIO()
    book.save(out)
    return fixed_in_time(out.getvalue())


_SAVED_AT = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?")


def fixed_in_time(data: bytes) -> bytes:
    """The same zipped workbook with its save times fixed: Hypothesis replays a drawn file and cuts
    it at drawn offsets, so its bytes (and their compressed length) may not depend on the clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as archive:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename.endswith(".xml"):
                content = _SAVED_AT.sub(b"2026-11-26T09:00:00Z", content)
            fixed = zipfile.ZipInfo(entry.filename, date_time=(2026, 11, 26, 9, 0, 0))
            fixed.compress_type = entry.compress_type
            archive.writestr(fixed, content)
    return out.getvalue()


def to_old_workbook(sheet: Sheet, suffix: str, title_rows: int = 0) -> bytes:
    """The sheet as Excel 97–2003 (.xls) or LibreOffice (.ods) saves it (tests/old_workbooks.py)."""
    from tests.support.old_workbooks import to_ods, to_xls

    rows = [["DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI THÁNG 11/2026"]] * title_rows + [sheet.headers]
    rows += [[_old_value(v) for v in row] for row in sheet.rows]
    if suffix == ".xls":
        return to_xls(rows)
    to_ods(rows)  # odfpy declares in a document the namespaces it met in earlier ones: warm it up
    return fixed_in_time(to_ods(rows))


def _old_value(value: object) -> object:
    if isinstance(value, (date, datetime)) and value.year < 1900:  # before either format's calendar
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return _xlsx_value(value)


def _xlsx_value(value: object) -> object:
    if isinstance(value, str):
        # What XML can hold
        return "".join(c for c in value if c in "\t\n\r" or ord(c) >= 0x20)[:32767] or None
    if isinstance(value, int) and abs(value) > 2**53:
        return str(value)
    return value


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


NO_SHEETS = _zip(
    {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"><sheets/></workbook>',
    }
)
NOT_A_WORKBOOK = _zip({"hello.txt": "Xin chào".encode()})
ENCRYPTED = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 200
)


@st.composite
def import_files(draw, kind: str | None = None) -> tuple[str, bytes, str]:
    """(kind, bytes, file name): a drawn sheet written as CSV or XLSX, or broken bytes."""
    sheet = draw(sheets(kind))
    how = draw(st.sampled_from(["csv"] * 5 + ["xlsx"] * 3 + ["old"] + ["broken"] * 2))
    if how == "csv":
        data = to_csv(sheet, draw(st.sampled_from([",", ";", "\t"])), draw(st.sampled_from(ENCODINGS)))
        damage = draw(st.integers(0, 9))
        if damage == 0:
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif damage == 1:
            data = data[: draw(st.integers(0, len(data)))]
        elif damage == 2:
            data += b'\n"' + b"x" * draw(st.sampled_from([10, 200_000]))  # a quote never closed, a huge cell
        return sheet.kind, data, draw(st.sampled_from(["danh-sach.csv", "ds.CSV", "ket-qua.txt"]))
    if how == "xlsx":
        data = to_xlsx(sheet, title_rows=draw(st.integers(0, 3)), extra_sheets=draw(st.integers(0, 2)),
                       merged=draw(st.booleans()), blank_rows=draw(st.booleans()))
        if draw(st.integers(0, 5)) == 0:
            data = data[: draw(st.integers(0, len(data)))]
        elif draw(st.integers(0, 5)) == 0:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
        return sheet.kind, data, "danh-sach.xlsx"
    if how == "old":
        suffix = draw(st.sampled_from([".xls", ".ods"]))
        data = to_old_workbook(sheet, suffix, title_rows=draw(st.integers(0, 2)))
        if draw(st.integers(0, 4)) == 0:
            data = data[: draw(st.integers(0, len(data)))]
        return sheet.kind, data, draw(st.sampled_from([f"danh-sach{suffix}", "tai-ve"]))
    data = draw(st.one_of(st.binary(max_size=3000), st.sampled_from([NO_SHEETS, NOT_A_WORKBOOK, ENCRYPTED,
                                                                     b"\xd0\xcf\x11\xe0" + b"\0" * 300,
                                                                     b"PK\x03\x04"])))
    return sheet.kind, data, draw(st.sampled_from(["danh-sach.xlsx", "danh-sach.csv", "bang.xls", "bang.ods",
                                                   "x"]))


# -- what the database holds ---------------------------------------------------------------------

def snapshot(session, canonical: bool = False) -> tuple[dict[str, int], str]:
    """Row counts and a checksum of the tables an import writes. `canonical` replaces ids by
    their rank and timestamps by whether they are set, so two imports of the same rows at two
    moments (or on PostgreSQL, whose sequences do not roll back) compare equal."""
    tables = {name: Base.metadata.tables[name] for name in WRITTEN}
    rows = {name: [dict(r._mapping) for r in session.execute(select(t))] for name, t in tables.items()}
    ranks = {name: {r["id"]: i for i, r in enumerate(sorted(rs, key=lambda r: r["id"]))}
             for name, rs in rows.items() if "id" in tables[name].c}
    digest = hashlib.sha256()
    counts = {}
    for name, table in tables.items():
        counts[name] = len(rows[name])
        lines = []
        for row in rows[name]:
            values = []
            for column in table.columns:
                value = row[column.name]
                if canonical and value is not None:
                    target = (
                        next(iter(column.foreign_keys)).column.table.name if column.foreign_keys else None
                    )
                    if column.name == "id" and name in ranks:
                        value = ranks[name][value]
                    elif target in ranks:
                        value = ranks[target].get(value, value)
                    elif isinstance(value, datetime):
                        value = "set"
                values.append(repr(value))
            lines.append("|".join(values))
        for line in sorted(lines):
            digest.update(f"{name}:{line}\n".encode())
    return counts, digest.hexdigest()
