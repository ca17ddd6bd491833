"""USSD and SMS over SMPP against a stand-in SMSC on loopback that speaks SMPP 3.4 (smpplib's
PDUs): the ESME of `ansinh smpp` (ussd.smpp_link + ussd.smpp_gateway) bound as a transceiver, the
menu's position in the state store (Redis when ANSINH_TEST_REDIS_URL is set, else the database),
SMS answered through the outbox and submit_sm, receipts, a dropped link, throttling."""
from __future__ import annotations

import struct

import pytest
from smpplib import consts, smpp
from smpplib.client import SimpleSequenceGenerator
from sqlalchemy import select

from ansinh.runtime import Runtime
from core.models import OutboxMessage
from core.outbox.dispatch import Dispatcher
from core.outbox.writes import enqueue
from tests.conftest import REDIS_URL
from tests.support.standins.smsc import StandInSmsc
from tests.support.ussd_factories import (
    LAI_AMOUNT_VI,
    LAI_PHONE,
    QUANG_PHONE,
    build_world,
)
from ussd.smpp_gateway import SmppGateway
from ussd.smpp_link import LinkConfig, SmppLink, SubmitRefused
from ussd.smpp_sender import SmppSender
from ussd.smpp_text import decode
from ussd.smpp_tlvs import (
    PSSR_INDICATION,
    PSSR_RESPONSE,
    USSR_CONFIRM,
    USSR_REQUEST,
    split_session_info,
)

SERVICE_CODE = "*123#"


@pytest.fixture
def smpp_runtime(settings, clock, engine, sessions):
    rt = Runtime(settings.with_(redis_url=REDIS_URL, sms_provider="smpp", smpp_source_addr="8079")
                 if REDIS_URL else settings.with_(sms_provider="smpp", smpp_source_addr="8079"), clock)
    rt.__dict__["engine"], rt.__dict__["sessions"] = engine, sessions
    build_world(sessions)
    if REDIS_URL:  # Redis outlives the test: an earlier run's "SMS already answered" marks would answer
        for key in rt.state.client.scan_iter(rt.state.prefix + "smpp:*"):
            rt.state.client.delete(key)
    return rt


@pytest.fixture
def smsc():
    with StandInSmsc(system_id="ansinh", password="s3cret") as server:
        yield server


@pytest.fixture
def link(smpp_runtime, smsc):
    gateway = SmppGateway(smpp_runtime, submit=lambda **fields: esme.submit(**fields))
    config = LinkConfig("127.0.0.1", smsc.port, "ansinh", "s3cret", system_type="USSD", max_tps=50,
                        enquire_interval=5.0, backoff_min=0.05, backoff_max=0.5, throttle_pause=0.05)
    esme = SmppLink(config, gateway.on_deliver)
    esme.start()
    smsc.wait_bound()
    assert esme.bound.wait(30), "the ESME never saw its bind_resp"  # the SMSC side binds first
    yield esme
    esme.stop()


def dial(smsc, phone: str, text: str, op: int, session: int = 7, sequence: int = 0) -> None:
    smsc.deliver(source_addr=phone.lstrip("+"), source_addr_ton=1, source_addr_npi=1,
                 destination_addr=SERVICE_CODE,
                 service_type="USSD", data_coding=0, short_message=text.encode("ascii"), ussd_service_op=op,
                 its_session_info=(session << 8) | (sequence << 1))


def screen(pdu) -> tuple[str, int, tuple[int, int, bool]]:
    """(text, ussd_service_op, its_session_info parts) of a USSD reply the SMSC received."""
    text = decode(pdu.short_message, pdu.data_coding)
    assert pdu.service_type == b"USSD" and pdu.source_addr == SERVICE_CODE.encode()
    assert len(text) <= 182 and text.isascii(), text
    return text, pdu.ussd_service_op, split_session_info(pdu.its_session_info)


def test_dial_in_two_steps_and_the_end(smsc, link):
    dial(smsc, LAI_PHONE, SERVICE_CODE, PSSR_INDICATION)
    menu, op, (number, sequence, end) = screen(smsc.wait_for_submits(1)[0])
    assert op == USSR_REQUEST and (number, sequence, end) == (7, 1, False)
    assert "1 " in menu and "3 " in menu
    assert smsc.submits[0].destination_addr == LAI_PHONE.lstrip("+").encode()
    dial(smsc, LAI_PHONE, "3", USSR_CONFIRM, sequence=2)
    amount, op, (_, sequence, _) = screen(smsc.wait_for_submits(2)[1])
    assert LAI_AMOUNT_VI in amount and op == USSR_REQUEST and sequence == 3
    dial(smsc, LAI_PHONE, "0", USSR_CONFIRM, sequence=4)
    again, op, _ = screen(smsc.wait_for_submits(3)[2])
    assert again == menu and op == USSR_REQUEST  # back: the position was kept between deliver_sm
    smsc.deliver(source_addr=LAI_PHONE.lstrip("+"), destination_addr=SERVICE_CODE, short_message=b"",
                 # The caller hangs up
                 ussd_service_op=USSR_CONFIRM, its_session_info=(7 << 8) | (6 << 1) | 1)
    smsc.wait_acknowledged()
    dial(smsc, LAI_PHONE, SERVICE_CODE, PSSR_INDICATION)  # the same session number comes round again
    fresh, _, _ = screen(smsc.wait_for_submits(4)[3])
    assert fresh == menu and len(smsc.submits) == 4  # nothing was sent to the hang-up


def test_when_the_database_is_down_the_session_ends_with_an_apology(tmp_path, smsc):
    from core.settings import Settings

    broken = Runtime(Settings(database_url=f"sqlite:///{tmp_path}/missing/dir/x.db", secret_key="x"))
    gateway = SmppGateway(broken, submit=lambda **fields: esme.submit(**fields))
    esme = SmppLink(LinkConfig("127.0.0.1", smsc.port, "ansinh", "s3cret"), gateway.on_deliver)
    esme.start()
    try:
        dial(smsc, LAI_PHONE, SERVICE_CODE, PSSR_INDICATION)
        sorry, op, (_, _, end) = screen(smsc.wait_for_submits(1)[0])
        assert op == PSSR_RESPONSE and end and "1900" in sorry
        smsc.wait_acknowledged()
    finally:
        esme.stop()


def test_two_callers_with_the_same_session_number_do_not_mix(smsc, link):
    dial(smsc, LAI_PHONE, SERVICE_CODE, PSSR_INDICATION, session=3)
    smsc.wait_for_submits(1)
    dial(smsc, QUANG_PHONE, SERVICE_CODE, PSSR_INDICATION, session=3)
    picker, _, _ = screen(smsc.wait_for_submits(2)[1])
    assert "Phan Van Loc" in picker
    dial(smsc, LAI_PHONE, "3", USSR_CONFIRM, session=3, sequence=2)
    amount, _, _ = screen(smsc.wait_for_submits(3)[2])
    assert LAI_AMOUNT_VI in amount


def test_link_dropped_mid_session_loses_nothing(smsc, link):
    dial(smsc, LAI_PHONE, SERVICE_CODE, PSSR_INDICATION)
    menu, _, _ = screen(smsc.wait_for_submits(1)[0])
    smsc.wait_acknowledged()
    smsc.hold_next_submit()  # the reply to the next step is in flight when the link drops
    dial(smsc, LAI_PHONE, "3", USSR_CONFIRM, sequence=2)
    smsc.wait_for(lambda: smsc.held, what="the held reply")
    smsc.wait_acknowledged()  # the step itself was taken: only its reply is in flight
    smsc.drop()
    smsc.wait_bound(binds=2)
    [again] = smsc.wait_for_submits(2)[1:]  # sent again on the new bind, once
    amount, _, _ = screen(again)
    assert LAI_AMOUNT_VI in amount
    smsc.drop()  # and with no link at all, a step waits at the SMSC for the next bind
    dial(smsc, LAI_PHONE, "0", USSR_CONFIRM, sequence=4)
    smsc.wait_bound(binds=3)
    back, _, _ = screen(smsc.wait_for_submits(3)[2])
    assert back == menu  # the menu went on from where the caller was
    smsc.wait_acknowledged()
    assert len(smsc.submits) == 3


def test_the_next_step_can_reach_another_esme(smpp_runtime, smsc, link, engine):
    """Two `ansinh smpp` processes: nothing of a session is kept in the one that took the dial-in."""
    dial(smsc, LAI_PHONE, SERVICE_CODE, PSSR_INDICATION)
    smsc.wait_for_submits(1)
    smsc.wait_acknowledged()
    link.stop()  # the first process goes away; a second one, with its own runtime, binds
    other = Runtime(smpp_runtime.settings, smpp_runtime.clock)
    other.__dict__["engine"] = engine
    gateway = SmppGateway(other, submit=lambda **fields: second.submit(**fields))
    second = SmppLink(LinkConfig("127.0.0.1", smsc.port, "ansinh", "s3cret", backoff_min=0.05),
                      gateway.on_deliver)
    second.start()
    try:
        smsc.wait_bound(binds=2)
        dial(smsc, LAI_PHONE, "3", USSR_CONFIRM, sequence=2)
        amount, _, _ = screen(smsc.wait_for_submits(2)[1])
        assert LAI_AMOUNT_VI in amount
    finally:
        second.stop()


def test_a_step_delivered_twice_moves_the_menu_once(smsc, link):
    dial(smsc, LAI_PHONE, SERVICE_CODE, PSSR_INDICATION)
    smsc.wait_for_submits(1)
    dial(smsc, LAI_PHONE, "4", USSR_CONFIRM, sequence=2)
    history, _, _ = screen(smsc.wait_for_submits(2)[1])
    dial(smsc, LAI_PHONE, "4", USSR_CONFIRM, sequence=2)  # the SMSC delivers the same step again
    same, _, _ = screen(smsc.wait_for_submits(3)[2])
    assert same == history


def _receipt(smsc, state: str, delivered: int, error: int, **fields) -> None:
    """The SMSC's delivery receipt for smsc-1 to Lài: a deliver_sm with esm_class 0x04 and the
    receipt text of SMPP 3.4 appendix B."""
    text = (f"id:smsc-1 sub:001 dlvrd:{delivered:03d} submit date:2612070900 done date:2612070901 "
            f"stat:{state} err:{error:03d}")
    smsc.deliver(source_addr=LAI_PHONE.lstrip("+"), destination_addr="8079", esm_class=0x04,
                 short_message=text.encode(), **fields)


def _dispatch(runtime, link) -> int:
    return Dispatcher(runtime.sessions, {"sms": SmppSender(runtime.settings, link)}, runtime.clock,
                      runtime.settings).run_once()


def test_sms_in_answer_out_and_its_delivery_receipt(smpp_runtime, smsc, link):
    fields = {"source_addr": LAI_PHONE.lstrip("+"), "source_addr_ton": 1, "destination_addr": "8079",
              "data_coding": 8,
                  "short_message": "Tiền tháng này về chưa".encode("utf-16-be")}
    smsc.deliver(**fields)
    smsc.wait_acknowledged()
    smsc.deliver(**fields)  # delivered again (its deliver_sm_resp was lost): answered once
    smsc.wait_acknowledged()
    assert _dispatch(smpp_runtime, link) == 1
    [answer] = smsc.wait_for_submits(1)
    text = decode(answer.short_message, answer.data_coding)
    assert LAI_AMOUNT_VI in text and text.isascii()  # GSM-7, no diacritics
    assert answer.destination_addr == LAI_PHONE.lstrip("+").encode() and answer.source_addr == b"8079"
    assert answer.registered_delivery == 1
    with smpp_runtime.sessions() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.address == LAI_PHONE))
        assert (row.status, row.provider_id) == ("sent", "smsc-1")
    _receipt(smsc, "DELIVRD", delivered=1, error=0, receipted_message_id="smsc-1", message_state=2)
    smsc.wait_acknowledged()
    with smpp_runtime.sessions() as session:
        assert session.get(OutboxMessage, row.id).status == "delivered"


def test_an_sms_that_meets_a_database_outage_is_answered_once_it_is_back(smpp_runtime, smsc, link, tmp_path):
    link.stop()  # this ESME's database is down: it refuses the SMS with ESME_RX_T_APPN
    from core.settings import Settings

    broken = Runtime(Settings(database_url=f"sqlite:///{tmp_path}/missing/dir/x.db", secret_key="x"))
    outage = SmppLink(LinkConfig("127.0.0.1", smsc.port, "ansinh", "s3cret"),
                      SmppGateway(broken, submit=lambda **fields: None).on_deliver)
    outage.start()
    smsc.wait_bound(binds=2)
    smsc.deliver(source_addr=LAI_PHONE.lstrip("+"), destination_addr="8079", short_message=b"TC")
    smsc.wait_for(lambda: smsc.refused_deliveries() == 1, what="ESME_RX_T_APPN")
    outage.stop()
    gateway = SmppGateway(smpp_runtime, submit=lambda **fields: healthy.submit(**fields))
    healthy = SmppLink(LinkConfig("127.0.0.1", smsc.port, "ansinh", "s3cret"), gateway.on_deliver)
    healthy.start()  # the database is back (another bind): the SMSC delivers the SMS again
    try:
        smsc.wait_bound(binds=3)
        smsc.wait_acknowledged()
        assert _dispatch(smpp_runtime, healthy) == 1
        assert LAI_AMOUNT_VI in decode(smsc.wait_for_submits(1)[0].short_message, 0)
    finally:
        healthy.stop()


def test_stop_keyword_by_sms_opts_out(smpp_runtime, smsc, link):
    smsc.deliver(source_addr=LAI_PHONE.lstrip("+"), destination_addr="8079", data_coding=0,
                 short_message=b"HUY")
    smsc.wait_acknowledged()
    _dispatch(smpp_runtime, link)
    [answer] = smsc.wait_for_submits(1)
    assert "BAT" in decode(answer.short_message, answer.data_coding)


def test_throttled_submit_is_sent_again_and_a_failed_receipt_fails_the_row(smpp_runtime, smsc, link):
    with smpp_runtime.sessions.begin() as session:
        enqueue(session, channel="sms", address=LAI_PHONE, text="Thông báo", kind="notification", key="n-1")
    smsc.throttle(2)  # ESME_RTHROTTLED twice, then accepted
    assert _dispatch(smpp_runtime, link) == 1
    [sent] = smsc.wait_for_submits(1)
    assert decode(sent.short_message, sent.data_coding) == "Thong bao"
    _receipt(smsc, "UNDELIV", delivered=0, error=1)
    smsc.wait_acknowledged()
    with smpp_runtime.sessions() as session:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == "n-1"))
        assert row.status == "failed"


def test_generic_nack_refuses_that_submit_only(smsc, link):
    smsc.nack_next_submit(consts.SMPP_ESME_RINVCMDLEN)
    refused = link.submit(source_addr="8079", destination_addr="84978451203", short_message=b"a")
    error = refused.exception(timeout=30)
    assert isinstance(error, SubmitRefused) and error.status == consts.SMPP_ESME_RINVCMDLEN
    accepted = link.submit(source_addr="8079", destination_addr="84978451203", short_message=b"b")
    assert accepted.result(timeout=30) == "smsc-1"  # the link stayed up
    assert smsc.binds and len(smsc.binds) == 1


def test_a_request_the_esme_does_not_serve_is_refused_not_left_waiting(smsc, link):
    smsc.send_request("data_sm", source_addr="84978451203", destination_addr="8079")
    smsc.wait_for(lambda: smsc.nacks, what="a generic_nack")
    assert smsc.nacks[0].status == consts.SMPP_ESME_RINVCMDID
    dial(smsc, LAI_PHONE, SERVICE_CODE, PSSR_INDICATION)  # and the link goes on
    smsc.wait_for_submits(1)


def test_a_link_that_stops_answering_enquire_link_is_bound_again(smsc):
    esme = SmppLink(LinkConfig("127.0.0.1", smsc.port, "ansinh", "s3cret", enquire_interval=0.2,
                               backoff_min=0.05),
                    lambda pdu: 0)
    esme.start()
    try:
        smsc.wait_bound()
        smsc.muted = True  # enquire_link goes unanswered: the ESME gives the link up and binds again
        smsc.wait_for(lambda: len(smsc.binds) >= 2, what="a second bind")
        smsc.muted = False
        assert esme.submit(source_addr="8079", destination_addr="84978451203",
                           short_message=b"x").result(30) == "smsc-1"
    finally:
        esme.stop()


def test_a_deliver_sm_with_both_ussd_tlvs_parses():
    raw = smpp.make_pdu("deliver_sm", client=None, source_addr="84978451203", destination_addr=SERVICE_CODE,
                        short_message=b"1", ussd_service_op=USSR_CONFIRM, its_session_info=0x0904,
                        sequence=5).generate()
    assert struct.pack(">HHB", 0x0501, 1, USSR_CONFIRM) in raw and struct.pack(">HHH", 0x1383, 2,
                                                                               0x0904) in raw
    parsed = smpp.parse_pdu(raw, client=SimpleSequenceGenerator(), allow_unknown_opt_params=False)
    assert (parsed.ussd_service_op, parsed.its_session_info, parsed.short_message) == (USSR_CONFIRM, 0x0904,
                                                                                       b"1")


def test_wrong_password_is_retried_with_backoff_not_crashed(smpp_runtime):
    with StandInSmsc(system_id="ansinh", password="other") as server:
        esme = SmppLink(LinkConfig("127.0.0.1", server.port, "ansinh", "s3cret", backoff_min=0.05,
                                   backoff_max=0.1),
                        lambda pdu: 0)
        esme.start()
        try:
            server.wait_for(lambda: server.refused >= 2, what="two refused binds")
            assert esme.binds == 0
            server.password = "s3cret"  # the operator fixes the account: the next try binds
            server.wait_bound()
        finally:
            esme.stop()
