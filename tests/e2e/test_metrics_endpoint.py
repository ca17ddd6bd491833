"""GET /metrics: closed unless configured (404), a bearer token or an allowed network opens it, and
the counters move with the traffic: requests per route and channel, turns per intent, the
outbox's waiting messages and lag read from the database at scrape time."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from ansinh import create_app
from core.outbox.writes import enqueue
from tests.metrics_support import BEARER, METRICS_TOKEN, total
from tests.ussd_factories import LAI_PHONE, USSD_AUTH, build_world


def _client(runtime, **changes):
    runtime.settings = runtime.settings.with_(**changes)
    return create_app(runtime.settings, runtime=runtime).test_client()


def test_metrics_answer_404_when_neither_token_nor_addresses_are_configured(runtime):
    client = _client(runtime)
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers=BEARER).status_code == 404


@pytest.mark.parametrize("headers, status", [
    ({}, 401), ({"Authorization": "Bearer wrong"}, 401), ({"Authorization": f"Basic {METRICS_TOKEN}"}, 401),
    (BEARER, 200)])
def test_a_bearer_token_opens_metrics(runtime, headers, status):
    response = _client(runtime, metrics_token=METRICS_TOKEN).get("/metrics", headers=headers)
    assert response.status_code == status
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("networks, status", [("127.0.0.0/8", 200), ("10.0.0.0/8, 2001:db8::/32", 403)])
def test_an_allowed_network_opens_metrics(runtime, networks, status):
    response = _client(runtime, metrics_allowed_ips=networks).get("/metrics")  # the test client is 127.0.0.1
    assert response.status_code == status


def test_counters_follow_ussd_and_sms_traffic_and_the_outbox_is_read_at_scrape_time(runtime, sessions, clock):
    build_world(sessions)
    client = _client(runtime, metrics_token=METRICS_TOKEN)
    before = client.get("/metrics", headers=BEARER).get_data(as_text=True)
    session_id = f"m-{uuid.uuid4().hex}"
    for value in ("", "1"):
        answer = client.post("/ussd/session", data={"sessionId": session_id, "phoneNumber": LAI_PHONE,
                                                    "input": value}, headers=USSD_AUTH)
        assert answer.status_code == 200
    assert client.post("/ussd/session", data={"sessionId": "x", "phoneNumber": LAI_PHONE}).status_code == 401
    with sessions.begin() as session:
        waiting = enqueue(session, channel="sms", address="+84900000001", text="a", kind="notification",
                          key="m-1")
        waiting.created_at = clock.now() - timedelta(seconds=90)  # queued 90 s ago, due at once
        enqueue(session, channel="sms", address="+84900000002", text="b", kind="notification", key="m-2",
                not_before=clock.now() + timedelta(hours=1))
    after = client.get("/metrics", headers=BEARER).get_data(as_text=True)

    def grew(name: str, **labels: str) -> float:
        return total(after, name, **labels) - total(before, name, **labels)

    assert grew("ansinh_http_requests_total", route="/ussd/session", channel="ussd", status="200") == 2
    assert grew("ansinh_http_requests_total", route="/ussd/session", channel="ussd", status="401") == 1
    assert grew("ansinh_http_request_duration_seconds_count", route="/ussd/session", channel="ussd") == 3
    assert grew("ansinh_turns_total", channel="ussd") == 2
    assert grew("ansinh_turns_total", channel="ussd", intent="menu:status") == 1
    assert total(after, "ansinh_outbox_waiting", channel="sms") == 2
    assert total(after, "ansinh_outbox_oldest_due_seconds", channel="sms") == pytest.approx(90, abs=5)
    assert total(after, "ansinh_broadcasts_pending_approval") == 0


def test_a_request_carries_its_request_id(runtime):
    client = _client(runtime)
    given = client.get("/healthz", headers={"X-Request-ID": "gateway-req-12345"})
    assert given.headers["X-Request-ID"] == "gateway-req-12345"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers["X-Request-ID"]
    assert made != "bad id with spaces" and len(made) == 32


def test_failed_sign_ins_and_refused_attempts_are_counted(runtime):
    from tests.console_support import sign_in

    client = _client(runtime, metrics_token=METRICS_TOKEN)
    before = client.get("/metrics", headers=BEARER).get_data(as_text=True)
    statuses = [sign_in(client, "nobody-here", "wrong password").status_code for _ in range(12)]
    after = client.get("/metrics", headers=BEARER).get_data(as_text=True)
    failures = total(after,
                     "ansinh_console_login_failures_total") - total(before,
                                                                    "ansinh_console_login_failures_total")
    refused = total(after, "ansinh_rate_limited_total") - total(before, "ansinh_rate_limited_total")
    assert failures == statuses.count(401) and refused == statuses.count(429) and failures > 0 and refused > 0
    assert total(after, "ansinh_http_requests_total", route="/console/login", channel="console",
                 status="429") \
        - total(before, "ansinh_http_requests_total", route="/console/login", channel="console",
                status="429") == refused
