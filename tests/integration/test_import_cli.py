"""`ansinh import …` as an officer runs it: counts and errors in Vietnamese, exit codes 0/1/2."""
from __future__ import annotations

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
        return runner.invoke(main, ["import", *map(str, args)], env={"ANSINH_DATABASE_URL": settings.database_url})

    return invoke


def test_clean_file_exits_0_with_counts(run, sessions, data_dir):
    result = run("beneficiaries", data_dir / "import_beneficiaries.csv", "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Tổng số dòng: 6 · thêm mới: 6 · cập nhật: 0 · không đổi: 0 · bị từ chối: 0"
    again = run("beneficiaries", data_dir / "import_beneficiaries.csv")
    assert again.output.strip() == "Tổng số dòng: 6 · thêm mới: 0 · cập nhật: 0 · không đổi: 6 · bị từ chối: 0"
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Beneficiary)) == 6


def test_rejected_rows_exit_1_with_one_line_each(run, data_dir):
    result = run("beneficiaries", data_dir / "import_beneficiaries_errors.csv")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0] == "Tổng số dòng: 9 · thêm mới: 5 · cập nhật: 0 · không đổi: 0 · bị từ chối: 4"
    assert lines[1] == "Các lỗi (8):"
    assert "Dòng 7, cột «Ngày sinh»: «31/02/1940» không phải là ngày hợp lệ (dd/mm/yyyy hoặc năm sinh)." in lines
    assert len(lines) == 10


def test_payments_call_the_registered_listeners(run, sessions, data_dir):
    heard = []

    def listener(session, events):
        heard.append(sorted(e.new_status for e in events))
        assert session.scalar(select(func.count()).select_from(Payment)) == 6  # same transaction, before commit

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
