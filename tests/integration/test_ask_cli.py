"""`ansinh ask` as the lead's black-box check runs it: one SMS turn per person, printed as the phone
shows it (GSM-7, at most 3 segments), with the real NLU; bad input gets a Vietnamese message."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from ansinh.cli import main
from ansinh.cli_support import CliState
from core.vietnamese_text import sms_size
from tests.unit.factories import build_family


@pytest.fixture
def family(sessions):
    with sessions.begin() as session:
        return build_family(session)


@pytest.fixture
def ask(runtime):
    state = CliState()
    state._runtime = runtime

    def ask(sender: str, *text: str, channel: str = "sms", expect: int = 0) -> str:
        result = CliRunner().invoke(main,
                                    ["ask", "--from", sender, "--channel", channel, "--today", "2026-11-26",
                                     *text],
                                    obj=state)
        assert result.exit_code == expect, result.output
        assert "Traceback" not in result.output
        if channel == "sms" and expect == 0:
            assert sms_size(result.output.rstrip("\n")).segments <= 3 and result.output.isascii()
        return result.output

    return ask


def test_a_paid_beneficiary(family, ask):
    out = ask("0912345678", "tiền tháng ni về chưa")
    assert "750.000d" in out and "da chi tra" in out and "Viettel Money" in out


def test_her_guardian_hears_both_people(family, ask):
    out = ask("0987654321", "tiền tháng ni về chưa")
    assert "Ba Nguyen Thi Lai" in out and "Chau Le Van Bin" in out


def test_the_old_eleven_digit_number_hears_next_months_cash_days(family, ask):
    out = ask("01662718345", "tháng sau lãnh tiền ở mô")
    assert "02/12/2026" in out and "Nha van hoa to dan pho 5" in out


def test_the_guardian_of_a_child_whose_payment_failed(family, ask):
    out = ask("0987654321", "TC Bin")
    assert "khong thanh cong" in out and "Sai so tai khoan" in out


def test_why_so_little(family, ask):
    assert "Muc chuan 500.000d x he so 1,5 = 750.000d" in ask("0912345678", "răng ít rứa")


def test_a_stranger_hears_no_amount(family, ask):
    out = ask("0909123000", "tiền tháng ni về chưa")
    assert not re.search(r"\d\.000", out) and "DK" in out


def test_ussd_and_chat_renderings(family, ask):
    assert len(ask("0912345678", "TC", channel="ussd").rstrip("\n")) <= 182
    out = ask("4242", "TC", channel="telegram")
    assert "DK <mã đối tượng> <ngày sinh>" in out  # chat keeps diacritics; not linked yet


@pytest.mark.parametrize("args, message", [
    (["--from", "12345", "TC"], "không phải số điện thoại"),
    (["--from", "0912345678", "--today", "26/11/2026", "TC"], "không phải ngày hợp lệ"),
    (["--from", "0912345678"], "Xin nhập nội dung"),
])
def test_bad_input_is_explained_without_a_traceback(runtime, args, message):
    state = CliState()
    state._runtime = runtime
    result = CliRunner().invoke(main, ["ask", *args], obj=state)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
