"""The alert rules and the Grafana dashboard in docs/monitoring/ are what operators import: they
must load, and every metric they name must be one that /metrics exports. With promtool installed
(Debian's `prometheus` package, `make promtool`) the rules are also checked and their unit tests
run: each alert fires on the series that should fire it."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ansinh import metrics

MONITORING = Path(__file__).resolve().parents[2] / "docs" / "monitoring"
RULES, RULE_TESTS, DASHBOARD = (MONITORING / name for name in
                                ("ansinh-alerts.yml", "ansinh-alerts-test.yml", "ansinh-dashboard.json"))
METRIC_NAME = re.compile(r"\bansinh_[a-z_]+\b")
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum")}


def exported_names() -> set[str]:
    names = set(metrics.DATABASE_GAUGES)
    for metric in [metrics.REQUESTS, metrics.LATENCY, *metrics.CORE_EVENTS.values()]:
        family = metric.describe()[0]
        names |= {family.name + suffix for suffix in SUFFIXES[family.type]}
    return names


def test_every_alert_has_an_expression_a_severity_and_words_for_the_operator():
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    assert {rule["alert"] for rule in rules} >= {"AnSinhOutboxLagging", "AnSinhDeadLettersGrowing",
                                                 "AnSinhProviderErrors", "AnSinhNoInboundTrafficInTheDay",
                                                 "AnSinhFailedLogins"}
    for rule in rules:
        assert rule["labels"]["severity"] in ("page", "ticket")
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        assert set(METRIC_NAME.findall(rule["expr"])) <= exported_names(), rule["alert"]


def test_the_dashboard_loads_and_charts_only_exported_metrics():
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert dashboard["uid"] and dashboard["title"] and isinstance(dashboard["schemaVersion"], int)
    variables = {v["name"] for v in dashboard["templating"]["list"] if v["type"] == "datasource"}
    panels = dashboard["panels"]
    assert len({panel["id"] for panel in panels}) == len(panels)
    charted = set()
    for panel in panels:
        assert panel["title"] and {"h", "w", "x", "y"} <= set(panel["gridPos"])
        assert panel["datasource"]["uid"].strip("${}") in variables
        for target in panel["targets"]:
            charted |= set(METRIC_NAME.findall(target["expr"]))
    assert charted <= exported_names()
    assert {"ansinh_outbox_oldest_due_seconds", "ansinh_turns_total", "ansinh_outbox_sends_total"} <= charted


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool not installed (make promtool)")
@pytest.mark.parametrize("command, file", [("check", RULES), ("test", RULE_TESTS)])
def test_promtool_accepts_the_rules_and_their_unit_tests(command, file):
    done = subprocess.run(["promtool", command, "rules", file.name], cwd=MONITORING, capture_output=True,
                          text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
