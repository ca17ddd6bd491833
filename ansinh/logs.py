"""Log lines: plain text by default, or with ANSINH_LOG_FORMAT=json one JSON object per line
(time, level, logger, message, and inside a request its id, route and channel; the request line
adds outcome, status and duration) for a log shipper to index.

A JSON line never carries a person's data: a message keeps the code's own words, digit runs long
enough to be a phone, an ID or an account are masked, and an exception is written as its type and
the frames it passed through, never its text (a database error repeats the row it could not write).
"""
from __future__ import annotations

import json
import logging
import os
import re
import traceback
from datetime import UTC, datetime

TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
LONG_NUMBER = re.compile(r"\+?\d(?:[ .]?\d){7,}")  # 8+ digits, maybe spaced: a phone, an ID, an account
REQUEST_FIELDS = ("request_id", "route", "channel", "outcome", "status", "duration_ms")


def json_wanted() -> bool:
    return (os.environ.get("ANSINH_LOG_FORMAT") or "text").strip().lower() == "json"


def mask_numbers(text: str) -> str:
    return LONG_NUMBER.sub("[number]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": mask_numbers(record.getMessage()),
        }
        line.update(_request_context())
        for name in REQUEST_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, trace = record.exc_info
            line["exception"] = kind.__name__
            line["frames"] = [f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}"
                              for frame in traceback.extract_tb(trace)][-8:]
        return json.dumps(line, ensure_ascii=False)


def _request_context() -> dict:
    """The request id, route and channel of the request this line was logged in, if any."""
    from flask import g, has_request_context

    observed = g.get("observed") if has_request_context() else None
    if observed is None:
        return {}
    return {"request_id": observed.request_id, "route": observed.route, "channel": observed.channel}


def configure(verbose: bool) -> None:
    """The root logger's level and format, for every `ansinh` command."""
    level = logging.INFO if verbose else logging.WARNING
    if json_wanted():
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        logging.basicConfig(level=level, handlers=[handler])
    else:
        logging.basicConfig(level=level, format=TEXT_FORMAT)
