"""Reading the officers' files and matching their headers, whatever Excel made of them."""
from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from core.imports import ImportFileError, read_table
from core.imports.columns import (
    BENEFICIARY_COLUMNS,
    PAYMENT_COLUMNS,
    header_key,
    match_headers,
)


@pytest.mark.parametrize("header, key", [
    ("Mã đối tượng", "ma_doi_tuong"), ("MA DOI TUONG", "ma_doi_tuong"), ("ma_doi_tuong", "ma_doi_tuong"),
    ("  Mã  đối tượng: ", "ma_doi_tuong"), (unicodedata.normalize("NFD", "Mã đối tượng"), "ma_doi_tuong"),
    ("MÃ ĐỐI TƯỢNG", "ma_doi_tuong"), ("SĐT", "so_dien_thoai"), ("Số ĐT", "so_dien_thoai"),
    ("Điện thoại", "so_dien_thoai"), ("Họ tên", "ho_ten"), ("Họ và tên", "ho_ten"), ("Năm sinh", "ngay_sinh"),
    ("SĐT người giám hộ", "sdt_nguoi_giam_ho"), ("sdt_nguoi_giam_ho", "sdt_nguoi_giam_ho"),
    ("Số tiền", "so_tien"), ("Số tiền hàng tháng", "so_tien"), ("HÌNH THỨC NHẬN", "hinh_thuc"),
    ("Số CCCD", "so_cccd"), ("Mã xã", "ma_xa"), ("Diện đối tượng", "dien_doi_tuong"),
])
def test_beneficiary_headers(header, key):
    layout = match_headers([header], BENEFICIARY_COLUMNS)
    assert layout.headers == {key: header}


def test_unknown_headers_are_ignored_and_missing_required_ones_listed():
    layout = match_headers(["STT", "Mã đối tượng", "Ghi chú riêng", "Họ tên"], BENEFICIARY_COLUMNS)
    assert set(layout.headers) == {"ma_doi_tuong", "ho_ten"}
    assert [c.header for c in layout.missing] == ["Ngày sinh", "Mã xã"]


def test_payment_headers_in_snake_case():
    layout = match_headers(["ky_chi_tra", "ma_doi_tuong", "so_tien", "trang_thai", "ngay_chi_tra"],
                           PAYMENT_COLUMNS)
    assert not layout.missing and layout.header("trang_thai") == "trang_thai"


def test_header_key_folds_everything_but_letters_and_digits():
    assert header_key("Số điện thoại (SĐT)") == "sodienthoaisdt"


@pytest.mark.parametrize("content", [
    "Mã xã,Họ tên\n19786,Lê Thị Một\n",
    "\ufeffMã xã;Họ tên\n19786;Lê Thị Một\n",
    "Mã xã\tHọ tên\r\n19786\tLê Thị Một\r\n",
])
def test_csv_with_or_without_bom_and_any_delimiter(content):
    table = read_table(content.encode("utf-8"), "danh_sach.csv")
    assert table.headers == ["Mã xã", "Họ tên"]
    assert list(table) == [(2, {"Mã xã": "19786", "Họ tên": "Lê Thị Một"})]


def test_blank_rows_are_skipped_but_keep_their_numbers():
    table = read_table("Mã xã,Họ tên\n,\n19786,\"Lê, Thị Một\"\n".encode(), "a.csv")
    assert list(table) == [(3, {"Mã xã": "19786", "Họ tên": "Lê, Thị Một"})]


def test_nfd_text_is_stored_as_nfc():
    table = read_table(unicodedata.normalize("NFD", "Họ tên\nLê Thị Một\n").encode(), "a.csv")
    assert table.headers == ["Họ tên"] and next(iter(table))[1]["Họ tên"] == "Lê Thị Một"


def test_windows_1258_file_is_converted_when_its_header_reads_right():
    table = read_table("Ngày sinh,Tên\n1941,Lê Văn Tư\n".encode("cp1258"), "a.csv")
    assert table.headers == ["Ngày sinh", "Tên"] and next(iter(table))[1]["Tên"] == "Lê Văn Tư"


def test_a_non_utf8_file_without_a_known_header_is_an_error_not_a_guess():
    with pytest.raises(ImportFileError) as caught:
        read_table("code,name\n1,Lê Văn Tư\n".encode("cp1258"), "a.csv")
    assert str(caught.value) == "Tệp không phải văn bản UTF-8. Trong Excel, hãy lưu lại với kiểu «CSV UTF-8»."


@pytest.mark.parametrize("data, name, expected", [
    (b"", "a.csv", "Tệp trống, không có dòng tiêu đề."),
    (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "a.xls",
     "Tệp .xls bị hỏng, không đọc được. Hãy mở tệp bằng Excel hoặc LibreOffice rồi lưu lại."),
    (b"PK\x03\x04 not really a workbook", "a.xlsx",
     "Không đọc được tệp: cần tệp CSV, Excel (.xlsx hoặc .xls) hoặc LibreOffice (.ods)."),
])
def test_unreadable_files(data, name, expected):
    with pytest.raises(ImportFileError) as caught:
        read_table(data, name)
    assert str(caught.value) == expected


def test_missing_file(tmp_path):
    with pytest.raises(ImportFileError) as caught:
        read_table(tmp_path / "khong_co.csv")
    assert str(caught.value).startswith("Không tìm thấy hoặc không mở được tệp:")


def test_xlsx_cells_become_the_text_an_officer_sees():
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã đối tượng", "Ngày sinh", "Số tiền", "Hệ số", "SĐT", "Ghi chú"])
    sheet.append(["HUE-1", datetime(1938, 3, 12), 750000.0, 1.5, 912345678, None])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["HUE-2", date(1940, 1, 2), 500000, 2, "0912 345 679", "  x  "])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "ds.xlsx")
    assert table.headers[0] == "Mã đối tượng"
    assert list(table) == [
        (2, {"Mã đối tượng": "HUE-1", "Ngày sinh": "12/03/1938", "Số tiền": "750000", "Hệ số": "1.5",
             "SĐT": "912345678", "Ghi chú": ""}),
        (4, {"Mã đối tượng": "HUE-2", "Ngày sinh": "02/01/1940", "Số tiền": "500000", "Hệ số": "2",
             "SĐT": "0912 345 679", "Ghi chú": "x"}),
    ]


# -- old Excel (.xls) and LibreOffice (.ods), through python-calamine -----------------------------

OFFICERS_SHEET = [
    ["DANH SÁCH ĐỐI TƯỢNG HƯỞNG TRỢ CẤP"],
    [],
    ["Mã đối tượng", "Ngày sinh", "Số tiền", "Hệ số", "SĐT", "Mã xã", "Ghi chú"],
    ["HUE-1", date(1938, 3, 12), 750000, 1.5, "0912345678", 19786, None],
    [],
    ["HUE-2", 1940, 500000.0, 2, 912345679, "19786", "  Bà Nội  "],
]
AS_READ = [
    (4, {"Mã đối tượng": "HUE-1", "Ngày sinh": "12/03/1938", "Số tiền": "750000", "Hệ số": "1.5",
         "SĐT": "0912345678", "Mã xã": "19786", "Ghi chú": ""}),
    (6, {"Mã đối tượng": "HUE-2", "Ngày sinh": "1940", "Số tiền": "500000", "Hệ số": "2", "SĐT": "912345679",
         "Mã xã": "19786", "Ghi chú": "Bà Nội"}),
]


@pytest.mark.parametrize("name", ["ds.xls", "ds.ods"])
def test_old_excel_and_libreoffice_cells_read_as_in_xlsx(name, tmp_path):
    """Title and blank rows above the header skipped, rows numbered as the officer sees them, dates
    as dd/mm/yyyy, whole numbers without '.0', text as typed: from bytes and from a path alike."""
    from tests.old_workbooks import to_ods, to_xls

    data = to_xls(OFFICERS_SHEET) if name.endswith(".xls") else to_ods(OFFICERS_SHEET)
    assert data.startswith(b"\xd0\xcf\x11\xe0" if name.endswith(".xls") else b"PK\x03\x04")
    table = read_table(data, name)
    assert table.headers == OFFICERS_SHEET[2]
    assert list(table) == AS_READ
    path = tmp_path / name
    path.write_bytes(data)
    assert list(read_table(path)) == AS_READ
    renamed = tmp_path / "tai-ve"  # a download without its extension: the content decides
    renamed.write_bytes(data)
    assert list(read_table(renamed)) == AS_READ


def test_xls_list_below_a_hidden_sheet_and_away_from_the_corner():
    from tests.old_workbooks import to_xls

    data = to_xls(OFFICERS_SHEET[2:], hidden_first=True, start_row=3, start_column=2)
    table = read_table(data, "ds.xls")
    assert table.headers == OFFICERS_SHEET[2]
    assert [number for number, _ in table] == [5, 7]


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_damaged_xls_or_ods_is_a_vietnamese_message(cut):
    from tests.old_workbooks import to_ods, to_xls

    for data, name in ((to_xls(OFFICERS_SHEET), "ds.xls"), (to_ods(OFFICERS_SHEET), "ds.ods")):
        with pytest.raises(ImportFileError) as caught:
            list(read_table(data[: int(len(data) * cut)], name))
        assert str(caught.value).startswith(f"Tệp {name[-4:]} bị hỏng, không đọc được."), str(caught.value)
