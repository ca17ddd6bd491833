"""`ansinh import …` as an officer runs it: counts and errors in Vietnamese, exit codes 0/1/2."""
from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from ansinh.cli import main
from core.imports.listeners import register_listener, unregister_listener
from core.models import Beneficiary, Payment


@pytest.fixture
def run(sessions, settings):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["import", *map(str, args)],
                             env={"ANSINH_DATABASE_URL": settings.database_url})

    return invoke


def test_clean_file_exits_0_with_counts(run, sessions, data_dir):
    result = run("beneficiaries", data_dir / "import_beneficiaries.csv", "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    assert (
        result.output.strip() == "Tổng số dòng: 6 · thêm mới: 6 · cập nhật: 0 · không đổi: 0 · bị từ chối: 0"
    )
    again = run("beneficiaries", data_dir / "import_beneficiaries.csv")
    assert (
        again.output.strip() == "Tổng số dòng: 6 · thêm mới: 0 · cập nhật: 0 · không đổi: 6 · bị từ chối: 0"
    )
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Beneficiary)) == 6


def test_rejected_rows_exit_1_with_one_line_each(run, data_dir):
    result = run("beneficiaries", data_dir / "import_beneficiaries_errors.csv")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0] == "Tổng số dòng: 9 · thêm mới: 5 · cập nhật: 0 · không đổi: 0 · bị từ chối: 4"
    assert lines[1] == "Các lỗi (8):"
    assert (
        "Dòng 7, cột «Ngày sinh»: «31/02/1940» không phải là ngày hợp lệ (dd/mm/yyyy hoặc năm sinh)." in lines
    )
    assert len(lines) == 10


def test_payments_call_the_registered_listeners(run, sessions, data_dir):
    heard = []

    def listener(session, events):
        heard.append(sorted(e.new_status for e in events))
        # Same transaction, before commit
        assert session.scalar(select(func.count()).select_from(Payment)) == 6

    run("beneficiaries", data_dir / "import_beneficiaries.csv")
    register_listener(listener)
    try:
        result = run("payments", data_dir / "import_payments.csv")
    finally:
        unregister_listener(listener)
    assert result.exit_code == 1
    assert "Dòng 8, cột «Mã đối tượng»: Không có đối tượng nào mang mã «HUE-9999»." in result.output
    assert heard == [["failed", "on_hold", "paid", "paid", "scheduled", "sent"]]


def test_schedules(run, data_dir):
    result = run("schedules", data_dir / "import_schedules.csv")
    assert result.exit_code == 0
    assert "thêm mới: 3" in result.output


@pytest.mark.parametrize("content, expected", [
    ("code,name\n1941,Lê Văn Tư\n".encode("cp1258"),
     "Tệp không phải văn bản UTF-8. Trong Excel, hãy lưu lại với kiểu «CSV UTF-8»."),
    (b"", "Tệp trống, không có dòng tiêu đề."),
])
def test_unreadable_file_exits_2_without_a_traceback(run, tmp_path, content, expected):
    path = tmp_path / "ds.csv"
    path.write_bytes(content)
    result = run("beneficiaries", path)
    assert result.exit_code == 2
    assert result.stderr.strip() == expected
    assert "Traceback" not in result.output


def test_missing_file_exits_2(run, tmp_path):
    result = run("payments", tmp_path / "khong_co.xlsx")
    assert result.exit_code == 2
    assert result.stderr.startswith("Không tìm thấy hoặc không mở được tệp:")


def test_missing_column_exits_1_and_writes_nothing(run, sessions, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text("Mã đối tượng,Họ tên\nHUE-1,Lê Thị Một\n", encoding="utf-8")
    result = run("beneficiaries", path)
    assert result.exit_code == 1
    assert "Dòng 1, cột «Ngày sinh»: Tệp thiếu cột bắt buộc này nên chưa nhập dòng nào." in result.output
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Beneficiary)) == 0


@pytest.mark.parametrize("chosen, file, says", [
    ("beneficiaries", "import_payments.csv",
     ("Tệp này là danh sách chi trả, không phải danh sách đối tượng, nên "
                                              "chưa nhập dòng nào. Hãy nhập lại tệp này với loại «danh sách "
                                              "chi trả», "
                                              "hoặc chọn đúng tệp.")),
    ("payments", "import_beneficiaries.csv",
     ("Tệp này là danh sách đối tượng, không phải danh sách chi trả, nên "
                                              "chưa nhập dòng nào.")),
    ("beneficiaries", "import_schedules.csv",
     "Tệp này là lịch chi trả tiền mặt, không phải danh sách đối tượng"),
])
def test_the_wrong_kind_of_file_is_named_and_nothing_counts_as_imported(run, sessions, data_dir, chosen,
                                                                        file, says):
    rows = len((data_dir / file).read_text(encoding="utf-8").strip().splitlines()) - 1
    result = run(chosen, data_dir / file)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"Tổng số dòng: {rows} · thêm mới: 0 · cập nhật: 0 · không đổi: 0 · bị từ chối: {rows}"
    assert lines[1].startswith(says) and len(lines) == 2, lines
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Beneficiary)) == 0


def test_a_file_missing_a_column_says_so_above_its_rows(run, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text("Mã đối tượng,Họ tên\nHUE-1,Lê Thị Một\nHUE-2,Lê Thị Hai\n", encoding="utf-8")
    lines = run("beneficiaries", path).output.splitlines()
    assert lines[:2] == ["Tổng số dòng: 2 · thêm mới: 0 · cập nhật: 0 · không đổi: 0 · bị từ chối: 2",
                         "Tệp thiếu cột bắt buộc «Ngày sinh», «Mã xã» nên chưa nhập dòng nào."]


def test_old_excel_list_with_a_bad_row_and_a_damaged_one(run, sessions, tmp_path):
    """An .xls saved by Excel 97–2003 (made here with xlwt): the same counts and row-numbered
    errors as a CSV; the same file cut short is one Vietnamese line and exit 2."""
    from tests.old_workbooks import to_xls

    sheet = [["DANH SÁCH ĐỐI TƯỢNG"], [],
             ["Mã đối tượng", "Họ và tên", "Ngày sinh", "Mã xã", "Diện đối tượng", "Đơn vị chi trả",
              "Số điện thoại"],
             ["HUE-1", "Lê Thị Một", date(1941, 5, 12), 19786, "NCT_80", "ViettelPay", "0912345678"],
             ["HUE-2", "Lê Văn Hai", 1940, "19786", "NCT_80", "Bưu điện", 912345679],
             ["HUE-3", "Lê Văn Ba", "31/02/1940", 19786, "NCT_80", None, None]]
    path = tmp_path / "danh-sach.xls"
    path.write_bytes(to_xls(sheet))
    result = run("beneficiaries", path, "--today", "2026-11-26")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        "Tổng số dòng: 3 · thêm mới: 2 · cập nhật: 0 · không đổi: 0 · bị từ chối: 1", "Các lỗi (1):",
        "Dòng 6, cột «Ngày sinh»: «31/02/1940» không phải là ngày hợp lệ (dd/mm/yyyy hoặc năm sinh)."]
    with sessions() as s:
        assert sorted(s.execute(select(Beneficiary.code, Beneficiary.provider, Beneficiary.birth_year))) == [
            ("HUE-1", "Viettel Money", 1941), ("HUE-2", "VNPost – VietinBank", 1940)]
    damaged = tmp_path / "hong.xls"
    damaged.write_bytes(path.read_bytes()[:2000])
    result = run("beneficiaries", damaged)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert (
        result.stderr.strip()
        == "Tệp .xls bị hỏng, không đọc được. Hãy mở tệp bằng Excel hoặc LibreOffice rồi lưu lại."
    )
