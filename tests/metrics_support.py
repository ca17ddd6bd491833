"""Reading a /metrics answer the way Prometheus does (prometheus_client's own parser)."""
from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

METRICS_TOKEN = "metrics-test-token"
BEARER = {"Authorization": f"Bearer {METRICS_TOKEN}"}


def samples(exposition: str) -> list[tuple[str, dict, float]]:
    return [(sample.name, sample.labels, sample.value)
            for family in text_string_to_metric_families(exposition) for sample in family.samples]


def total(exposition: str, name: str, **labels: str) -> float:
    """The sum of `name`'s samples whose labels include `labels` (0 when none)."""
    return sum(value for sample, have, value in samples(exposition)
               if sample == name and all(have.get(k) == v for k, v in labels.items()))
