"""ANSINH_LOG_FORMAT=json: one JSON object per line, with the request's id, route and channel on
every line logged while it is answered, one line per request with outcome and duration, and
nothing of a person: long numbers masked, an exception's text left out."""
from __future__ import annotations

import io
import json
import logging

import pytest

from ansinh.logs import JsonFormatter
from tests.support.ussd_factories import LAI_PHONE, USSD_AUTH, build_world


@pytest.fixture
def json_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_each_request_logs_one_line_and_lines_inside_it_carry_its_id(client, sessions, json_lines):
    build_world(sessions)
    answered = client.post("/ussd/session",
                           data={"sessionId": "log-1", "phoneNumber": LAI_PHONE, "input": ""},
                           headers=USSD_AUTH)
    refused = client.post("/ussd/session", data={"sessionId": "log-2", "phoneNumber": LAI_PHONE, "input": ""})
    lines = json_lines()
    requests = [line for line in lines if line["logger"] == "ansinh.requests"]
    assert [(r["route"], r["channel"], r["outcome"], r["status"]) for r in requests] == [
        ("/ussd/session", "ussd", "ok", 200), ("/ussd/session", "ussd", "refused", 401)]
    assert [r["request_id"] for r in requests] == [answered.headers["X-Request-ID"],
                                                   refused.headers["X-Request-ID"]]
    assert all(r["duration_ms"] >= 0 and r["level"] == "info" and r["time"].endswith("+00:00")
               for r in requests)
    guard = [line for line in lines if line["logger"] == "ussd.gateway_guard"]
    assert guard and guard[0]["request_id"] == refused.headers["X-Request-ID"]
    assert guard[0]["channel"] == "ussd"
    assert LAI_PHONE[3:] not in json.dumps(lines)


def test_numbers_are_masked_and_an_exception_keeps_only_its_type_and_frames():
    logger = logging.getLogger("test.json")
    record = logger.makeRecord("test.json", logging.WARNING, __file__, 1, "no answer for %s (%s)",
                               ("+84 978 451 203", "84978451203"), None)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "no answer for [number] ([number])"
    try:
        raise ValueError("Nguyễn Thị Lài +84978451203")
    except ValueError:
        import sys

        record = logger.makeRecord("test.json", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert line["exception"] == "ValueError" and line["frames"]
    assert "Lài" not in json.dumps(line, ensure_ascii=False) and "978451203" not in json.dumps(line)
