"""`ansinh nlu [--today YYYY-MM-DD]`: what the NLU reads in each line of stdin, as one JSON object
per line: {"text", "intent", "slots", "confidence"}. For tuning, for checking a batch of real
messages offline, and for gateways that want the intent without the conversation."""
from __future__ import annotations

import json
import logging
import sys
from datetime import date

import click

from core.clock import Clock
from core.i18n import translator
from core.nlu import parse

logger = logging.getLogger(__name__)

TIMEZONE = "Asia/Ho_Chi_Minh"


def classify_lines(lines, today: date):
    """One JSON line (bytes) per input line: invalid UTF-8 is replaced, CRLF and a BOM are dropped."""
    for number, raw in enumerate(lines):
        text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if number == 0:
            text = text.lstrip("\ufeff")
        result = parse(text, today)
        record = {"text": text, "intent": result.intent, "slots": result.slots,
                  "confidence": result.confidence}
        yield (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def register(main: click.Group) -> None:
    @main.command(help="read one message per line on stdin; write one JSON object per line: text, intent, "
                       "slots, confidence")
    @click.option("--today", default=None, metavar="YYYY-MM-DD",
                  help=f"resolve months against this date (default: today in {TIMEZONE})")
    def nlu(today: str | None) -> None:
        if today:
            try:
                day = date.fromisoformat(today)
            except ValueError:
                click.echo(translator("vi")._("«%(value)s» is not a date (YYYY-MM-DD).", value=today),
                           err=True)
                raise SystemExit(2) from None
        else:
            day = Clock(TIMEZONE).today()
        out = sys.stdout.buffer
        for line in classify_lines(sys.stdin.buffer, day):
            out.write(line)
            out.flush()
