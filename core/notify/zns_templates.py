"""ZNS templates per notification topic, read from the JSON file ZALO_ZNS_TEMPLATES names.

Zalo sends only templates it approved beforehand: a template id and named parameters. The file
says, per topic, which template and which of AnSinh's fields fills each parameter:

    {"payment_paid": {"template_id": "312001",
                      "params": {"ten_doi_tuong": "beneficiary_name", "so_tien": "amount",
                                 "ky_chi_tra": "period", "ngay_chi_tra": "date"}},
     "broadcast": {"template_id": "312007", "params": {"noi_dung": {"field": "content", "max": 400}}}}

A parameter may carry the length Zalo approved for it ("max"): a value longer than that makes the
template refuse the message, which then goes by the next channel. Other keys ("text", keys that
start with "_") are for people and ignored. Amounts are numbers, dates dd/mm/yyyy, periods
mm/yyyy. The file is checked when it is first read (at start): an unknown topic or field, or a
topic without template id, is a SettingsError naming the variable. A topic not in the file simply
uses the next channel.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from functools import lru_cache

from core.settings import SettingsError

VARIABLE = "ZALO_ZNS_TEMPLATES"
# What a notification is about (the outbox row's `topic`), and the fields it offers a template.
TOPIC_FIELDS: dict[str, frozenset[str]] = {
    "payment_paid": frozenset({"beneficiary_name", "beneficiary_code", "amount", "period", "date",
                               "provider"}),
    "payment_failed": frozenset({"beneficiary_name", "beneficiary_code", "amount", "period", "reason",
                                 "hotline"}),
    "payment_on_hold": frozenset({"beneficiary_name", "beneficiary_code", "period", "hotline"}),
    "cash_day": frozenset({"beneficiary_name", "beneficiary_code", "period", "first_day", "last_day", "hours",
                           "place"}),
    "receipt_question": frozenset({"beneficiary_name", "beneficiary_code", "amount", "period"}),
    "complaint_answered": frozenset({"complaint_number", "answer", "hotline"}),
    "broadcast": frozenset({"content", "date"}),
}
TOPICS = tuple(TOPIC_FIELDS)
RECHECK = 2.0  # seconds between looks at the file's modification time
_seen: dict[str, tuple[float, dict]] = {}  # path -> (when looked at, its templates)


@dataclass(frozen=True)
class Param:
    field: str
    max_length: int | None = None


@dataclass(frozen=True)
class Template:
    topic: str
    template_id: str
    params: dict[str, Param]

    def fill(self, fields: dict) -> dict | None:
        """Zalo's template_data for these fields; None when one is missing or longer than approved."""
        data: dict = {}
        for name, param in self.params.items():
            value = fields.get(param.field)
            if value is None or value == "":
                return None
            if param.max_length is not None and len(str(value)) > param.max_length:
                return None
            data[name] = value
        return data


def _bad(path: str, reason: str) -> SettingsError:
    return SettingsError(VARIABLE, f"{path}: {reason}")


def _param(path: str, topic: str, name: str, spec) -> Param:
    if isinstance(spec, str):
        spec = {"field": spec}
    if not isinstance(spec, dict) or not isinstance(spec.get("field"), str):
        raise _bad(path, f"{topic}.params.{name} names no field")
    if spec["field"] not in TOPIC_FIELDS[topic]:
        raise _bad(path, f"{topic}.params.{name}: unknown field {spec['field']!r}, "
                         f"one of {', '.join(sorted(TOPIC_FIELDS[topic]))}")
    limit = spec.get("max")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise _bad(path, f"{topic}.params.{name}.max is not a positive number")
    return Param(spec["field"], limit)


def parse_templates(path: str, raw: str) -> dict[str, Template]:
    try:
        document = json.loads(raw)
    except ValueError as error:
        raise _bad(path, f"not JSON ({error})") from None
    if not isinstance(document, dict):
        raise _bad(path, "not a JSON object of topics")
    templates: dict[str, Template] = {}
    for topic, entry in document.items():
        if topic.startswith("_"):
            continue
        if topic not in TOPIC_FIELDS:
            raise _bad(path, f"unknown topic {topic!r}, one of {', '.join(TOPICS)}")
        if not isinstance(entry, dict):
            raise _bad(path, f"{topic} is not an object")
        template_id = entry.get("template_id")
        if isinstance(template_id, int) and not isinstance(template_id, bool):
            template_id = str(template_id)
        if not isinstance(template_id, str) or not template_id.strip():
            raise _bad(path, f"{topic} has no template_id")
        params = entry.get("params")
        if not isinstance(params, dict) or not params:
            raise _bad(path, f"{topic} has no params")
        templates[topic] = Template(topic, template_id.strip(),
                                    {name: _param(path, topic, name, spec) for name, spec in params.items()})
    return templates


@lru_cache(maxsize=8)
def _load(path: str, stamp: tuple) -> dict[str, Template]:
    try:
        with open(path, encoding="utf-8") as handle:
            raw = handle.read()
    except OSError as error:
        raise _bad(path, error.strerror or type(error).__name__) from None
    return parse_templates(path, raw)


def load_templates(path: str | None) -> dict[str, Template]:
    """The templates of the file at `path` (none when unset), read again when the file changes
    (looked at no more often than every RECHECK seconds: a broadcast asks once per recipient)."""
    if not path:
        return {}
    now = time.monotonic()
    seen = _seen.get(path)
    if seen is not None and now - seen[0] < RECHECK:
        return seen[1]
    try:
        status = os.stat(path)
    except OSError as error:
        raise _bad(path, error.strerror or type(error).__name__) from None
    templates = _load(path, (status.st_mtime_ns, status.st_size))
    _seen[path] = (now, templates)
    return templates
