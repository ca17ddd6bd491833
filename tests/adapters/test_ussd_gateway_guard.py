"""Who may call the USSD gateway routes (ussd.gateway_guard): only a request carrying
ANSINH_USSD_SECRET (HTTP Basic password or X-AnSinh-Key), optionally only from the gateway's
networks; without a configured secret the routes do not exist, in the demo too, where the phone
simulator answers through its own route. A refused request reads nothing from the database."""
from __future__ import annotations

import base64

import pytest
from click.testing import CliRunner

from ansinh import create_app
from tests.adapters.test_this_month_with_the_caller import statements, world
from tests.support.ussd_factories import (
    LAI_AMOUNT_VI,
    LAI_PHONE,
    USSD_AUTH,
    USSD_SECRET,
)

ROUTES = (("/ussd/africastalking", {"sessionId": "a1", "phoneNumber": LAI_PHONE, "text": "1"}),
          ("/ussd/session", {"sessionId": "a1", "phoneNumber": LAI_PHONE, "input": ""}))
SHOWN = {"/ussd/africastalking": LAI_AMOUNT_VI, "/ussd/session": "Nguyen Thi Lai"}  # what each discloses
BORROWED_FIXTURES = (statements, world)  # every SQL statement any engine runs; the USSD test people


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def client_with(runtime, **changes):
    runtime.settings = runtime.settings.with_(**changes)
    return create_app(runtime.settings, runtime=runtime).test_client()


def test_the_reported_attack_is_refused_before_any_database_read(client, world, statements):
    """`curl -XPOST :PORT/ussd/africastalking -d sessionId=a1 -d phoneNumber=+84978451203 -d text=1`
    told anyone her payment; now it gets 401 and the database is not touched."""
    response = client.post("/ussd/africastalking", data={"sessionId": "a1", "phoneNumber": "+84978451203",
                                                         "text": "1"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert LAI_AMOUNT_VI not in response.get_data(as_text=True)
    assert statements == []


@pytest.mark.parametrize("headers", [
    {}, {"X-AnSinh-Key": "guess"}, {"X-AnSinh-Key": ""}, {"X-AnSinh-Key": USSD_SECRET[:-1]},
    {"X-AnSinh-Key": USSD_SECRET + " "}, basic("gateway", "guess"), basic(USSD_SECRET, ""),
    {"Authorization": "Bearer " + USSD_SECRET}, {"Authorization": "Basic %%%"}, {"X-AnSinh-Key": "khóa-sai"},
], ids=["none", "wrong", "empty", "prefix", "suffix", "basic-wrong", "secret-as-user", "bearer", "garbage",
        "unicode"])
def test_a_missing_or_wrong_credential_is_refused(client, world, statements, headers):
    for path, form in ROUTES:
        response = client.post(path, data=form, headers=headers)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Basic")
    assert statements == []


@pytest.mark.parametrize("headers", [USSD_AUTH, basic("africastalking", USSD_SECRET), basic("", USSD_SECRET)],
                         ids=["header", "basic", "basic-no-user"])
def test_the_gateways_credential_opens_the_menu(client, world, headers):
    for path, form in ROUTES:
        response = client.post(path, data=form, headers=headers)
        assert response.status_code == 200 and SHOWN[path] in response.get_data(as_text=True)


def test_no_secret_configured_means_no_gateway_routes(runtime, world, statements):
    client = client_with(runtime, ussd_secret=None)
    for path, form in ROUTES:
        assert client.post(path, data=form, headers=USSD_AUTH).status_code == 404
    assert statements == []


def test_the_demo_has_no_open_gateway_but_its_simulator_still_answers(runtime, world, statements):
    """The demo (no SMS provider, simulator on) without a secret: the public routes stay closed, and
    the simulator reaches the same menu through its own route."""
    client = client_with(runtime, ussd_secret=None, twilio_account_sid=None, twilio_auth_token=None,
                         twilio_from=None)
    for path, form in ROUTES:
        assert client.post(path, data=form).status_code == 404
    assert statements == []
    step = client.post("/simulator/ussd", json={"phone": LAI_PHONE, "session": "demo", "text": "1"})
    assert step.status_code == 200 and LAI_AMOUNT_VI in step.get_json()["screen"]


@pytest.mark.parametrize("allowed, address, status", [
    ("10.0.0.0/8", "127.0.0.1", 403),
    ("10.0.0.0/8", "10.20.30.40", 200),
    ("203.0.113.7, 10.0.0.0/8", "203.0.113.7", 200),
    ("203.0.113.7", "203.0.113.8", 403),
    ("2001:db8::/32", "2001:db8::1", 200),
    ("2001:db8::/32", "10.20.30.40", 403),
    ("10.0.0.0/8", "::ffff:10.1.2.3", 200),
])
def test_only_the_gateways_networks_may_call(runtime, world, statements, allowed, address, status):
    client = client_with(runtime, ussd_allowed_ips=allowed)
    path, form = ROUTES[0]
    response = client.post(path, data=form, headers=USSD_AUTH, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == status
    if status == 403:
        assert statements == []


@pytest.mark.parametrize("proxies, forwarded, status", [
    (1, "203.0.113.9", 200),  # the proxy we trust says the gateway called
    (1, "198.51.100.1", 403),
    (0, "203.0.113.9", 403),  # nobody is trusted: a forged X-Forwarded-For changes nothing
])
def test_behind_a_trusted_proxy_the_forwarded_address_counts(runtime, world, proxies, forwarded, status):
    client = client_with(runtime, ussd_allowed_ips="203.0.113.0/24", trusted_proxies=proxies)
    path, form = ROUTES[0]
    response = client.post(path, data=form, headers={**USSD_AUTH, "X-Forwarded-For": forwarded},
                           environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.status_code == status


def test_an_unreadable_allow_list_stops_the_start_in_one_vietnamese_line(runtime, monkeypatch):
    with pytest.raises(ValueError, match="không phải là địa chỉ IP"):
        client_with(runtime, ussd_allowed_ips="10.0.0.0/8, mạng-nội-bộ")
    from ansinh.cli import main

    monkeypatch.setenv("ANSINH_DATABASE_URL", runtime.settings.database_url)  # a database with the schema
    monkeypatch.setenv("ANSINH_USSD_ALLOWED_IPS", "10.0.0.0/33")
    result = CliRunner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "ANSINH_USSD_ALLOWED_IPS" in result.output and "10.0.0.0/33" in result.output
