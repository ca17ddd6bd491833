"""What the fuzz tests throw at the HTTP edge, and the tally printed at the end of the run."""
from __future__ import annotations

import json
import os
from collections import Counter

from hypothesis import HealthCheck, settings, strategies as st

REQUESTS: Counter = Counter()  # route -> generated requests sent
STATUSES: Counter = Counter()  # status class -> count
FILES: Counter = Counter()  # (import path, outcome) -> generated import files
EXAMPLES = int(os.environ.get("ANSINH_FUZZ_EXAMPLES", "2000"))

fuzz_settings = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                HealthCheck.data_too_large])

NASTY = st.sampled_from([
    "' OR 1=1 --", "'; DROP TABLE payments; --", "\" OR \"\"=\"", "1; SELECT pg_sleep(5)",
    "{{7*7}}", "{{ config }}", "${7*7}", "{% for x in range(9) %}", "%(amount)s", "%s%s%s%n", "{ho_ten}",
    "\x00", "\x1b[31m", "\u202e\u0644", "\ufeff", "Tie\u0302\u0300n tha\u0301ng ni", "😀" * 40, "𝕋𝕚𝕖𝕟",
    "A" * 20_000, "1*" + "9" * 500, "*" * 300, "DK BT4600001 1951", "DK BT4600001 12/03/1951", "TC 13/2026",
    "0" * 200, "HUY", "EN", "<script>alert(1)</script>", "../../etc/passwd", "\r\n\r\nX: y",
])
TEXT = st.one_of(st.text(max_size=200), NASTY, st.text(st.characters(codec="utf-8"), max_size=40))
PHONE = st.one_of(
    st.sampled_from(["+84978451203", "0978451203", "01662718345", "+84905318246", "0909123000", "", "+",
                     "abc"]),
    st.text(max_size=30), st.from_regex(r"\+?[0-9]{0,16}", fullmatch=True),
)
RAW = st.binary(max_size=2048)  # invalid UTF-8 and worse
# Text with half of a UTF-16 pair: what JSON's "\ud800" escape decodes to. Send it with json_ascii.
BROKEN_TEXT = st.builds("{}{}{}".format, st.text(max_size=8), st.characters(categories=["Cs"]),
                        st.text(max_size=8))
# Any JSON value, nested, including broken text: what a signed but malformed event may carry anywhere.
JSON_JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | BROKEN_TEXT,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def json_ascii(value) -> bytes:
    """JSON with every non-ASCII character escaped, so lone surrogates travel as "\ud800"."""
    return json.dumps(value).encode("ascii")


def record_file(path: str, outcome: str) -> None:
    """One generated import file went through `path` (api, cli, console) with `outcome`."""
    FILES[(path, outcome)] += 1


def record(route: str, status: int) -> None:
    REQUESTS[route] += 1
    STATUSES[f"{status // 100}xx"] += 1
