"""ZNS end to end: payment results imported with the notifier listening, `ansinh worker --once`
sending through a loopback stand-in that answers as Zalo's ZNS does (success with msg_id, each
error family, a 5xx, a slow answer), SMS through a Twilio stand-in when ZNS cannot reach the
phone, and the delivery event on the signed OA webhook."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from core.models import Identity, Person
from core.storage.db import transaction
from tests.adapters.test_zalo_bot import APP_ID, OA_ID, OA_SECRET, post, stamp
from tests.support.notify_support import (
    beneficiary,
    import_payments,
    link,
    outbox,
    payment_row,
    person,
)
from tests.support.standins.server import StandIn
from tests.support.standins.twilio import MESSAGES_PATH, TwilioMessages
from tests.support.standins.zns import ZnsApi
from tests.support.standins_bot import ZaloApi

TEMPLATES = Path(__file__).resolve().parents[2] / "docs" / "zns-templates.example.json"
SON = "+84912000001"  # the guardian, on Zalo
SON_WIRE = SON.lstrip("+")


@pytest.fixture
def standin():
    with StandIn() as server:
        yield server


@pytest.fixture
def zalo_api(standin):
    return ZaloApi(valid_access="access-0", valid_refresh="refresh-0").mount(standin)


@pytest.fixture
def zns(standin, zalo_api):
    return ZnsApi(zalo_api).mount(standin)


@pytest.fixture
def sms(standin):
    standin.route("POST", MESSAGES_PATH, TwilioMessages())
    return standin


@pytest.fixture
def settings(settings, standin):
    url = standin.url
    return settings.with_(zalo_app_id=APP_ID, zalo_oa_secret_key=OA_SECRET, zalo_access_token="access-0",
                          zalo_refresh_token="refresh-0", zalo_app_secret="app-secret", zalo_api_base_url=url,
                          zalo_oauth_base_url=url, zalo_zns_base_url=url, zalo_zns_templates=str(TEMPLATES),
                          zalo_zns_timeout=0.5, twilio_api_base_url=url)


@pytest.fixture
def family(sessions):
    with transaction(sessions) as session:
        lai = beneficiary(session, "TCXH-19786-0001", "Nguyễn Thị Lài")
        son = person(session, "Trần Văn Hùng", phone=SON)
        link(session, son, lai)
        return son.id


def sms_sent(standin) -> list[dict]:
    return [r.form for r in standin.requests_to(MESSAGES_PATH)]


def paid(runtime, status: str = "Đã chi trả") -> None:
    import_payments(runtime.sessions, runtime.settings, runtime.clock,
                    [payment_row("TCXH-19786-0001", status)])


def work(cli) -> None:
    result = cli("worker", "--once")
    assert result.exit_code == 0, result.output


def test_a_paid_notice_goes_by_zns_with_the_template_and_the_outbox_key(runtime, cli, family, zns, sms):
    paid(runtime)
    [row] = outbox(runtime.sessions)
    assert (row.channel, row.topic) == ("zns", "payment_paid")
    work(cli)
    [call] = zns.standin.requests_to("/message/template")
    assert call.header("access_token") == "access-0"
    assert call.json == {
        "phone": SON_WIRE, "template_id": "100001", "tracking_id": row.idempotency_key,
        "template_data": {"ten_doi_tuong": "Nguyễn Thị Lài", "ma_doi_tuong": "TCXH-19786-0001",
                          "ky_chi_tra": "11/2026", "ngay_chi_tra": "05/11/2026", "so_tien": 750000}}
    [row] = outbox(runtime.sessions)
    assert row.status == "sent" and row.provider_id == "zns00000001"
    assert sms_sent(sms) == []  # never two channels


@pytest.mark.parametrize("code, message", [(-118, "Zalo account not existed"),
                                           (-119, "Account can not receive ZNS"),
                                           (-108, "Phone number invalid")])
def test_a_phone_zns_cannot_reach_gets_the_same_notice_by_sms_at_once(runtime, cli, family, zns, sms, code,
                                                                      message):
    zns.answer(SON_WIRE, code, message)
    paid(runtime)
    work(cli)
    zns_row, sms_row = outbox(runtime.sessions)
    assert zns_row.channel == "zns" and zns_row.status == "failed" and str(code) in zns_row.last_error
    assert (sms_row.channel, sms_row.fallback_of, sms_row.topic, sms_row.status) == ("sms", zns_row.id,
                                                                                     "payment_paid", "sent")
    [text] = sms_sent(sms)
    assert text["To"] == SON and text["Body"] == zns_row.text
    assert "Nguyen Thi Lai" in text["Body"] and "750.000" in text["Body"]


def test_a_refused_token_is_renewed_and_the_message_sent_once(runtime, cli, family, zns, zalo_api, sms):
    paid(runtime)
    zalo_api.expire_access_token()
    zalo_api.valid_refresh = "refresh-0"
    work(cli)
    tokens = [r.header("access_token") for r in zns.standin.requests_to("/message/template")]
    assert tokens[0] == "access-0" and tokens[1] == zalo_api.valid_access != "access-0"
    assert len(zns.accepted) == 1 and sms_sent(sms) == []
    [row] = outbox(runtime.sessions)
    assert row.status == "sent"


@pytest.mark.parametrize("code, message, hours", [(-147, "Template exceeded daily quota", 15),
                                                  (-32, "Exceed request limit", 0)])
def test_quota_and_rate_errors_wait_and_retry_without_sms(runtime, cli, family, zns, sms, code, message,
                                                          hours):
    zns.answer(SON_WIRE, code, message)
    paid(runtime)
    work(cli)
    [row] = outbox(runtime.sessions)
    assert row.status == "queued" and row.attempts == 1 and sms_sent(sms) == []
    wait = row.not_before - runtime.clock.now()
    assert timedelta(hours=hours) <= wait <= timedelta(hours=hours + 1)  # 09:00 now: midnight is 15 h away
    zns.recover(SON_WIRE)
    runtime.clock.advance(seconds=wait.total_seconds() + 1)
    work(cli)
    [row] = outbox(runtime.sessions)
    assert row.status == "sent" and len(zns.accepted) == 1 and sms_sent(sms) == []


def test_a_5xx_and_a_slow_answer_are_retried_then_dead_and_shown(runtime, cli, client, family, zns, sms):
    zns.answer_http(SON_WIRE, 502)
    paid(runtime)
    work(cli)
    [row] = outbox(runtime.sessions)
    assert row.status == "queued" and "HTTP 502" in row.last_error
    zns.recover(SON_WIRE)
    zns.answer_slowly(SON_WIRE, 2.0)  # longer than ZALO_ZNS_TIMEOUT
    for _ in range(runtime.settings.outbox_max_attempts):
        runtime.clock.advance(hours=2)
        work(cli)
    [row] = outbox(runtime.sessions)
    assert row.status == "dead" and "Timeout" in row.last_error and sms_sent(sms) == []
    from core.outbox.dead_letters import list_dead

    with runtime.sessions() as session:
        [letter] = list_dead(session, None)
    assert (letter.id, letter.channel) == (row.id, "zns")


def test_opt_out_and_quiet_hours_apply_to_zns(runtime, cli, family, zns, sms, sessions):
    runtime.__dict__["settings"] = runtime.settings.with_(quiet_hours="21:00-07:00")
    runtime.clock.advance(hours=13)  # 22:00
    paid(runtime)
    work(cli)
    [row] = outbox(sessions)
    assert row.status == "queued" and row.not_before.astimezone(runtime.clock.tz).hour == 7
    assert zns.attempts() == []
    with transaction(sessions) as session:  # HUY: no notice by any channel, not even the SMS fallback
        session.get(Person, family).opted_out = True
    zns.answer(SON_WIRE, -118, "Zalo account not existed")
    runtime.clock.advance(hours=9, minutes=1)  # 07:01 the next day
    work(cli)
    [row] = outbox(sessions)
    assert row.status == "failed" and sms_sent(sms) == []


def test_an_opted_out_person_gets_no_zns(runtime, cli, family, zns, sessions):
    with transaction(sessions) as session:
        session.get(Person, family).opted_out = True
    paid(runtime)
    assert outbox(sessions) == []


def test_a_topic_without_template_goes_by_sms(runtime, cli, family, zns, sms, tmp_path):
    templates = json.loads(TEMPLATES.read_text(encoding="utf-8"))
    del templates["payment_paid"]
    path = tmp_path / "zns.json"
    path.write_text(json.dumps(templates, ensure_ascii=False), encoding="utf-8")
    runtime.__dict__["settings"] = runtime.settings.with_(zalo_zns_templates=str(path))
    paid(runtime)
    [row] = outbox(runtime.sessions)
    assert (row.channel, row.topic, row.template_data) == ("sms", "payment_paid", None)
    work(cli)
    assert len(sms_sent(sms)) == 1 and zns.attempts() == []


def test_sms_first_in_the_order_means_no_zns(runtime, cli, family, zns, sms):
    runtime.__dict__["settings"] = runtime.settings.with_(notify_channels="sms,zns")
    paid(runtime)
    [row] = outbox(runtime.sessions)
    assert row.channel == "sms"


@pytest.mark.parametrize(
    "content, says",
    [
        ('{"payment_paid": {"params": {"a": "amount"}}}', "template_id"),
        ('{"payment_paid": {"template_id": "1", "params": {"a": "nope"}}}', "nope"),
        ('{"bonus": {}}', "bonus"),
        ("not json", "JSON"),
    ],
)
def test_a_wrong_templates_file_stops_the_worker_with_a_vietnamese_line(runtime, cli, tmp_path, content,
                                                                        says):
    path = tmp_path / "zns.json"
    path.write_text(content, encoding="utf-8")
    runtime.__dict__["settings"] = runtime.settings.with_(zalo_zns_templates=str(path))
    result = cli("worker", "--once")
    assert result.exit_code == 2
    assert "ZALO_ZNS_TEMPLATES" in result.output and says in result.output
    assert "Traceback" not in result.output


def test_the_delivery_event_marks_the_row_delivered_and_stats_count_zns(runtime, cli, client, family, zns,
                                                                        sms):
    paid(runtime)
    work(cli)
    [row] = outbox(runtime.sessions)
    event = {"app_id": APP_ID, "event_name": "user_received_message", "sender": {"id": OA_ID},
             "recipient": {"id": "8213991239120391239"}, "timestamp": stamp(),
             "message": {"msg_id": row.provider_id, "tracking_id": row.idempotency_key,
                         "delivery_time": stamp()}}
    assert post(client, event, sign=None).status_code == 403  # unsigned: refused, nothing changes
    assert outbox(runtime.sessions)[0].status == "sent"
    assert post(client, event).status_code == 200
    [row] = outbox(runtime.sessions)
    assert row.status == "delivered" and row.delivered_at is not None
    result = cli("notifications", "stats", "--json")
    stats = json.loads(result.output)
    [zns_stats] = [c for c in stats["channels"] if c["channel"] == "zns"]
    assert zns_stats["delivered"] == 1 and zns_stats["total"] == 1


def test_a_phone_identity_that_opted_out_is_not_sent_the_fallback(runtime, cli, family, zns, sms, sessions):
    zns.answer(SON_WIRE, -118, "Zalo account not existed")
    paid(runtime)
    with transaction(sessions) as session:
        identity = session.query(Identity).filter_by(address=SON).one()
        identity.opted_out = True
    work(cli)
    assert [r.channel for r in outbox(sessions)] == ["zns"] and sms_sent(sms) == []


def test_erasing_the_guardian_blanks_the_template_data_too(runtime, cli, family, zns, sms):
    paid(runtime)
    work(cli)
    assert "Nguyễn Thị Lài" in outbox(runtime.sessions)[0].template_data
    result = cli("person", "erase", "0912000001", "--yes")
    assert result.exit_code == 0, result.output
    [row] = outbox(runtime.sessions)
    assert row.template_data is None and row.address != SON
