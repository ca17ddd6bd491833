"""Old Vietnamese encodings: the tables against independent references, and what an officer is
told (or what is converted) when a list arrives in one of them."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from openpyxl import Workbook

from core.imports import ImportFileError, read_table
from core.imports.encodings import _TCVN3, decode_tcvn3, decode_vni
from tests.import_fuzz_support import cp1258_bytes

HEADER = "Mã đối tượng,Họ và tên,Ngày sinh,Mã xã\nHUE-0001,Nguyễn Thị Lài,1941,19786\n"


@pytest.mark.skipif(shutil.which("iconv") is None, reason="glibc iconv not installed")
def test_tcvn3_table_is_glibc_iconvs():
    decoded = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes(range(0x80, 0x100)),
                             capture_output=True, check=True).stdout.decode()
    assert decoded == _TCVN3


def test_well_known_strings_decode():
    assert decode_tcvn3(b"H\xe4 v\xb5 t\xaan") == "Họ và tên"
    assert (
        decode_vni("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam".encode("cp1252"))
        == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    )
    assert decode_vni("Ñoäc laäp - Töï do - Haïnh phuùc".encode("cp1252")) == "Độc lập - Tự do - Hạnh phúc"


@pytest.mark.parametrize("data, encoding", [
    ("Hä vµ tªn,M· x·\nNguyÔn ThÞ Lµi,19786\n".encode("cp1252"), "TCVN3 (ABC)"),
    ("Hoï vaø teân,Maõ xaõ\nNguyeãn Thò Laøi,19786\n".encode("cp1252"), "VNI"),
])
def test_tcvn3_and_vni_files_are_refused_with_the_encodings_name(data, encoding):
    with pytest.raises(ImportFileError) as caught:
        read_table(data, "ds.csv")
    assert str(caught.value).startswith(f"Tệp dùng bảng mã tiếng Việt cũ {encoding}.")


@pytest.mark.parametrize("data",
                         [cp1258_bytes(HEADER), HEADER.encode("utf-16-le"), HEADER.encode("utf-16-be"),
                                  HEADER.encode("utf-16")])
def test_windows_1258_and_utf16_without_bom_are_read(data):
    table = read_table(data, "ds.csv")
    assert table.headers == ["Mã đối tượng", "Họ và tên", "Ngày sinh", "Mã xã"]
    assert next(iter(table)) == (2,
                                 {"Mã đối tượng": "HUE-0001", "Họ và tên": "Nguyễn Thị Lài",
                                  "Ngày sinh": "1941",
                                     "Mã xã": "19786"})


def _xlsx(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_typed_in_a_tcvn3_font_is_refused():
    with pytest.raises(ImportFileError) as caught:
        read_table(_xlsx(["M· ®èi t­îng", "Hä vµ tªn"], ["HUE-1", "NguyÔn"]), "ds.xlsx")
    assert "TCVN3 (ABC)" in str(caught.value)


def test_utf8_read_as_latin1_is_named():
    garbled = "Mã đối tượng,Họ và tên".encode().decode("cp1252", "replace")
    with pytest.raises(ImportFileError) as caught:
        read_table(_xlsx(garbled.split(","), ["HUE-1", "X"]), "ds.xlsx")
    assert "UTF-8 bị đọc thành Latin-1" in str(caught.value)


def test_title_rows_above_the_header_are_skipped():
    table = read_table(_xlsx(["DANH SÁCH ĐỐI TƯỢNG BẢO TRỢ XÃ HỘI"], [], ["Mã đối tượng", "Họ và tên"],
                             ["HUE-1", "Lài"]),
                       "ds.xlsx")
    assert table.headers == ["Mã đối tượng",
                             "Họ và tên"] and list(table) == [(4,
                                                               {"Mã đối tượng": "HUE-1", "Họ và tên": "Lài"})]
