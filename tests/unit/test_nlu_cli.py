"""`ansinh nlu` through the real command line entry point: one JSON object per input line."""
from __future__ import annotations

import json

from click.testing import CliRunner

from ansinh.cli import main
from core.clock import Clock


def _run(data: bytes, *args: str):
    return CliRunner().invoke(main, ["nlu", *args], input=data)


def _records(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout_bytes.decode("utf-8").splitlines()]


def test_each_line_becomes_one_json_object():
    data = "Tiền tháng 10 của ôn tui về chưa?\nDK BT4600001 12/03/1948\nEN\nHôm nay trời mưa không\n".encode()
    result = _run(data, "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    records = _records(result)
    assert [r["intent"] for r in records] == ["payment_status", "register", "change_language", "unknown"]
    assert records[0] == {"text": "Tiền tháng 10 của ôn tui về chưa?", "intent": "payment_status",
                          "slots": {"period": "2026-10"}, "confidence": records[0]["confidence"]}
    assert 0 < records[0]["confidence"] <= 1
    assert records[1]["slots"] == {"beneficiary_code": "BT4600001", "dob": "1948-03-12"}
    assert records[2]["slots"] == {"language": "en"}


def test_vietnamese_is_written_as_is_not_escaped():
    result = _run("Tháng ni có tiền chưa o\n".encode(), "--today", "2026-11-26")
    assert "Tháng ni có tiền chưa o" in result.stdout_bytes.decode("utf-8")
    assert "\\u" not in result.stdout_bytes.decode("utf-8")


def test_crlf_bom_and_invalid_bytes_are_tolerated():
    data = b"\xef\xbb\xbfTC 10\r\n\xff\xfe ti\xe1\xbb\x81n v\xe1\xbb\x81 ch\xc6\xb0a\r\n\r\nHuy\r\n"
    result = _run(data, "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    records = _records(result)
    assert len(records) == 4
    assert records[0]["text"] == "TC 10"
    assert (records[0]["intent"], records[0]["slots"]) == ("payment_status", {"period": "2026-10"})
    assert records[1]["text"].endswith("tiền về chưa") and "\ufffd" in records[1]["text"]
    assert records[1]["intent"] == "payment_status"
    assert records[2] == {"text": "", "intent": "unknown", "slots": {},
                          "confidence": records[2]["confidence"]}
    assert records[3]["intent"] == "stop"


def test_months_resolve_against_today():
    result = _run(b"tien thang truoc ve chua\ntien thang 1 ve chua\n", "--today", "2027-03-05")
    assert [r["slots"]["period"] for r in _records(result)] == ["2027-02", "2027-01"]


def test_today_defaults_to_the_date_in_vietnam():
    before = Clock("Asia/Ho_Chi_Minh").current_period()
    result = _run("tiền tháng này về chưa\n".encode())
    after = Clock("Asia/Ho_Chi_Minh").current_period()
    assert result.exit_code == 0
    assert _records(result)[0]["slots"]["period"] in {before, after}


def test_a_bad_date_is_refused_in_vietnamese():
    result = _run(b"TC\n", "--today", "26/11/2026")
    assert result.exit_code == 2
    assert "không phải ngày hợp lệ" in result.stderr
    assert not result.stdout_bytes


def test_empty_input_writes_nothing():
    result = _run(b"", "--today", "2026-11-26")
    assert result.exit_code == 0 and result.stdout_bytes == b""
