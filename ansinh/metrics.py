"""Prometheus metrics: every metric AnSinh exports is defined here (prometheus_client).

Under `ansinh serve --workers N` each gunicorn worker and the dispatcher process is a process of
its own; prometheus_client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR, which `serve` sets up)
makes each write its counters to files there, and a scrape of any worker adds them all up. What
the database knows (outbox depth and lag, broadcasts awaiting approval) is read at scrape time, so
it needs no process to keep it current. The core counts through core.counting; `install` connects
it (and the engine's connection errors) to the counters below.
"""
from __future__ import annotations

import logging
import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from core import counting

logger = logging.getLogger(__name__)

REQUESTS = Counter("ansinh_http_requests_total", "HTTP requests answered, by route, channel and status",
                   ["route", "channel", "status"])
LATENCY = Histogram("ansinh_http_request_duration_seconds", "Time to answer an HTTP request",
                    ["route", "channel"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
TURNS = Counter("ansinh_turns_total", "Conversation turns answered, by channel and intent",
                ["channel", "intent"])
SENDS = Counter("ansinh_outbox_sends_total",
                "Outbox send attempts by outcome: sent, delivered, retry, failed, dead",
                ["channel", "provider", "outcome"])
PROVIDER_ERRORS = Counter("ansinh_provider_errors_total", "Errors answered by a provider, by code",
                          ["channel", "provider", "code"])
RECEIPTS = Counter("ansinh_delivery_receipts_total", "Delivery receipts applied, by status",
                   ["channel", "status"])
RATE_LIMITED = Counter("ansinh_rate_limited_total", "Attempts refused by a rate limit", ["scope"])
STORE_ERRORS = Counter("ansinh_store_errors_total", "Database and Redis errors", ["store"])
IMPORT_ROWS = Counter("ansinh_import_rows_total", "Rows read by imports: accepted or rejected",
                      ["kind", "outcome"])
IMPORT_SECONDS = Counter("ansinh_import_seconds_total", "Time spent importing files", ["kind"])
LOGIN_FAILURES = Counter("ansinh_console_login_failures_total", "Officers' failed sign-ins")
SCHEDULER_RUNS = Counter("ansinh_scheduler_runs_total", "Runs of the reminder and receipt scheduler",
                         ["outcome"])

CORE_EVENTS = {"turn": TURNS, "send": SENDS, "provider_error": PROVIDER_ERRORS, "receipt": RECEIPTS,
               "rate_limited": RATE_LIMITED, "store_error": STORE_ERRORS, "import_rows": IMPORT_ROWS,
               "import_seconds": IMPORT_SECONDS, "login_failed": LOGIN_FAILURES,
               "scheduler_run": SCHEDULER_RUNS}
# Read from the database at each scrape (DatabaseCollector).
DATABASE_GAUGES = ("ansinh_outbox_waiting", "ansinh_outbox_oldest_due_seconds",
                   "ansinh_broadcasts_pending_approval")


def on_core_count(event: str, amount: float, labels: dict) -> None:
    """core.counting's listener: one event, one counter. A counting fault never breaks a turn."""
    metric = CORE_EVENTS.get(event)
    if metric is None:
        return
    try:
        (metric.labels(**labels) if labels else metric).inc(amount)
    except ValueError as error:
        logger.warning("metric %s not counted: %s", event, error)


def install(runtime) -> None:
    """Count the core's events and the engine's lost connections in this process."""
    from sqlalchemy import event

    counting.listen(on_core_count)
    if not event.contains(runtime.engine, "handle_error", _database_error):
        event.listen(runtime.engine, "handle_error", _database_error)


def _database_error(context) -> None:
    from sqlalchemy.exc import InterfaceError, OperationalError

    if context.is_disconnect or isinstance(context.sqlalchemy_exception, (OperationalError, InterfaceError)):
        STORE_ERRORS.labels(store="database").inc()


class DatabaseCollector:
    """What the database says at scrape time: messages waiting and the oldest due one's age per
    channel, broadcasts waiting for a second officer's approval."""

    def __init__(self, runtime):
        self.runtime = runtime

    def collect(self):
        from sqlalchemy import func, select

        from core.models import Broadcast
        from core.outbox.health import oldest_due_age, waiting_per_channel

        waiting = GaugeMetricFamily(DATABASE_GAUGES[0], "Outbox messages not yet sent", labels=["channel"])
        lag = GaugeMetricFamily(DATABASE_GAUGES[1], "Age of the oldest due outbox message",
                                labels=["channel"])
        pending = GaugeMetricFamily(DATABASE_GAUGES[2], "Broadcasts waiting for approval")
        try:
            with self.runtime.sessions() as session:
                for channel, total in sorted(waiting_per_channel(session).items()):
                    waiting.add_metric([channel], total)
                for channel, seconds in sorted(oldest_due_age(session, self.runtime.clock.now()).items()):
                    lag.add_metric([channel], seconds)
                pending.add_metric([], session.scalar(select(func.count()).select_from(Broadcast)
                                                      .where(Broadcast.status == "pending_approval")))
        except Exception as error:  # noqa: BLE001 - a scrape during an outage still gives the counters
            logger.warning("metrics: database not readable (%s)", type(error).__name__)
            return []
        return [waiting, lag, pending]


def exposition(runtime) -> bytes:
    """The text a scrape reads: every process's counters (multiprocess mode) or this one's, then
    the database's gauges."""
    from prometheus_client import REGISTRY

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        counters = CollectorRegistry()
        multiprocess.MultiProcessCollector(counters)
    else:
        counters = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector(runtime))
    return generate_latest(counters) + generate_latest(database)
