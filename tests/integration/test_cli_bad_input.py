"""Wrong input on the command line: one Vietnamese line naming what is wrong (and, for a
malformed command, where its help is), a non-zero exit status, no traceback, no English banner."""
from __future__ import annotations

import re
import socket

import pytest
from click.testing import CliRunner

from ansinh.cli import main
from ansinh.cli_support import CliState

VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợ"
                        r"ùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE)


@pytest.fixture
def run(runtime, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def run(*args: str, env: dict | None = None, expect: int | None = None) -> str:
        state = CliState()
        if env is None:
            state._runtime = runtime  # the test's database; otherwise the environment decides
        result = CliRunner(env=env).invoke(main, list(args), obj=state, input="mat-khau-dai-1\n",
                                           prog_name="ansinh")
        output = result.output.strip()
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code != 0 and (expect is None or result.exit_code == expect), output
        assert "\n" not in output and VIETNAMESE.search(output), output
        assert not re.search(r"Traceback|Error:|Usage:|Try '", output), output
        return output

    return run


@pytest.mark.parametrize("args, expected", [
    (["nosuch"], "không có lệnh này: xem `ansinh --help`."),
    (["ask", "--bogus"], "không có tùy chọn --bogus: xem `ansinh ask --help`."),
    (["ask", "--from"], "--from cần một giá trị: xem `ansinh ask --help`."),
    (["ask", "TC"], "thiếu --from: xem `ansinh ask --help`."),
    (["ask", "--channel", "fax", "--from", "1", "x"], "--channel phải là một trong: sms, ussd, telegram"),
    (["serve", "--port", "99999"], "--port phải là số từ 1 đến 65.535"),
    (["serve", "--workers", "-1"], "--workers phải là số không nhỏ hơn 0"),
    (["worker", "--concurrency", "0"], "--concurrency phải là số không nhỏ hơn 1"),
    (["demo", "--scale", "5"], "--scale phải là số từ 0,005 đến 1"),
    (["broadcast", "show", "abc"], "BROADCAST_ID phải là một số"),
    (["import", "payments"], "thiếu FILE: xem `ansinh import payments --help`."),
    (["import", "payments", "."], "FILE phải là một tệp dùng được"),
    (["import", "payments", "kq.csv", "--today", "2026-13-01"], "--today: Ngày phải viết theo dạng"),
    (["import", "payments", "kq.csv", "extra"], "lệnh thiếu hoặc thừa tham số: xem `ansinh import payments"),
    (["notifications", "stats", "--period", "2026-13"], "--period: Kỳ chi trả phải có dạng YYYY-MM"),
    (["bot", "telegram"], "--polling hoặc --set-webhook URL"),
    (["db", "upgrade", "khong-co"], "Không có phiên bản cơ sở dữ liệu (migration) khong-co."),
    (["import", "payments", "khong-co.csv"], "khong-co.csv"),
    (["broadcast", "approve", "999", "--as", "ai-do"], "ai-do"),
    (["person", "export", "0909123000", "-o", "khong/co/tep.json"], "Không ghi được tệp khong/co/tep.json"),
])
def test_bad_input_is_one_vietnamese_line(run, args, expected):
    assert expected in run(*args)


def test_a_usage_error_exits_2_and_a_failure_1(run):
    run("ask", "--bogus", expect=2)
    run("broadcast", "show", "999", expect=1)


def test_a_busy_port_is_said_before_serving(run):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = run("serve", "--port", str(port), "--no-dispatch", expect=1)
    assert out == (f"Không mở được cổng {port} trên 127.0.0.1: "
                   "cổng đang được dùng hoặc địa chỉ không thuộc máy này.")


def test_a_malformed_environment_variable_is_named(run, database_url_for_run):
    env = {"ANSINH_OUTBOX_MAX_ATTEMPTS": "sáu", "ANSINH_DATABASE_URL": database_url_for_run}
    out = run("worker", "--once", env=env)
    assert out == "biến môi trường ANSINH_OUTBOX_MAX_ATTEMPTS không hợp lệ: «sáu»"
