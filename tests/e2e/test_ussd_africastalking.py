"""USSD through Africa's Talking's wire protocol, as a gateway posts it: the menu, the answers
for a paid, a cash and a guarded beneficiary, strangers, junk, and a database that is down."""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from core.models import AuditLog
from tests.ussd_factories import (
    LAI_AMOUNT_VI,
    LAI_PHONE,
    QUANG_PHONE,
    STRANGER_PHONE,
    THO_PHONE,
    USSD_AUTH,
    USSD_SECRET,
    build_world,
)

_sessions = itertools.count(1)


@pytest.fixture
def world(sessions):
    return build_world(sessions)


def dial(client, phone: str, text: str, session_id: str | None = None) -> str:
    response = client.post("/ussd/africastalking", data={
        "sessionId": session_id or f"ATUid_{next(_sessions)}", "serviceCode": "*384*46#",
        "phoneNumber": phone, "networkCode": "45204", "text": text}, headers=USSD_AUTH)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    assert body.startswith(("CON ", "END ")), body
    assert len(body) <= 182, (len(body), body)
    assert body.isascii(), body
    return body


def test_dial_in_shows_the_main_menu_in_order(client, world):
    body = dial(client, LAI_PHONE, "")
    assert body.startswith("CON ")
    lines = body.splitlines()
    numbered = [line.split(" ", 1)[0] for line in lines if line[:1].isdigit()]
    assert numbered == ["1", "2", "3", "4", "5", "6"]


def test_paid_beneficiary_hears_her_amount(client, world, sessions):
    body = dial(client, "0978451203", "1")  # the national form of her number works too
    assert body.startswith("CON ") and LAI_AMOUNT_VI in body and "05/11/2026" in body
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "disclose.payment_status", AuditLog.beneficiary_id == world.lai.id,
            AuditLog.channel == "ussd")) == 1


def test_cash_beneficiary_hears_next_months_cash_point(client, world):
    body = dial(client, THO_PHONE, "2")
    assert "Nha van hoa thon Binh Thanh" in body and "02/12" in body


def test_stranger_gets_no_amount(client, world):
    for path in ("", "1", "1*9", "3"):
        body = dial(client, STRANGER_PHONE, path)
        assert "750.000" not in body and "500.000" not in body and "Lai" not in body


def test_five_hundred_nines_are_answered(client, world):
    body = dial(client, LAI_PHONE, "1*" + "9" * 500)
    assert body.startswith("CON ")
    assert dial(client, LAI_PHONE, "9" * 5000).startswith("CON ")
    assert dial(client, LAI_PHONE, "*".join(["1"] * 400)).startswith("CON ")


@pytest.mark.parametrize("text",
                         ["abc", "1**2", "*", "#", "0", "00", "7", "1*0*0*0", "4*9*9*9*9", "\u0000", "é",
                          "6*2*9"])
def test_junk_is_answered_never_a_500(client, world, text):
    dial(client, LAI_PHONE, text)


def test_missing_fields_are_answered(client):
    response = client.post("/ussd/africastalking", data={"text": "1"}, headers=USSD_AUTH)
    assert response.status_code == 200 and response.get_data(as_text=True).startswith("END ")


def test_guardian_of_two_picks_the_person_first(client, world):
    body = dial(client, QUANG_PHONE, "")
    assert "1 Phan Van Loc" in body and "2 Tran Thi Sen" in body
    body = dial(client, QUANG_PHONE, "2*1")
    assert "Tran Thi Sen" in body and "500.000" in body
    assert "Phan Van Loc" not in body


def test_history_pages_with_nine_and_zero(client, world):
    session_id = "history-1"
    dial(client, LAI_PHONE, "", session_id)
    first = dial(client, LAI_PHONE, "4", session_id)
    assert "12/2026" in first and first.splitlines()[-1].startswith("9")  # five payments: more than a screen
    seen = [first]
    path = "4"
    for _ in range(4):
        path += "*9"
        seen.append(dial(client, LAI_PHONE, path, session_id))
    assert any("8/2026" in screen for screen in seen)  # the oldest payment is reached
    assert not seen[-1].splitlines()[-1].startswith("9")  # and then there is no "next"
    assert dial(client, LAI_PHONE, path + "*0", session_id) != seen[-1]


def test_double_zero_goes_back_to_the_start(client, world):
    assert dial(client, LAI_PHONE, "1*00") == dial(client, LAI_PHONE, "")


def test_repeated_request_gets_the_same_screen(client, world, sessions):
    dial(client, LAI_PHONE, "", "retry-1")
    first = dial(client, LAI_PHONE, "1", "retry-1")
    assert dial(client, LAI_PHONE, "1", "retry-1") == first
    with sessions() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(AuditLog).where(AuditLog.action == "disclose.payment_status")
            )
            == 1
        )


def test_dial_in_writes_nothing_and_the_next_path_replays_it(client, world, runtime):
    writes: list[str] = []
    in_transaction: list[bool] = []

    def watch(_connection, cursor, statement, *_args):
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)
        driver = cursor.connection  # psycopg: transaction_status 0 is IDLE; sqlite3: in_transaction
        info = getattr(driver, "info", None)
        in_transaction.append(driver.in_transaction if info is None else info.transaction_status != 0)

    # Every engine: on PostgreSQL the turns run on an autocommit twin of runtime.engine (core.storage.db).
    event.listen(Engine, "after_cursor_execute", watch)
    try:
        menu = dial(client, LAI_PHONE, "", "replay-1")
    finally:
        event.remove(Engine, "after_cursor_execute", watch)
    assert menu.startswith("CON ") and writes == []
    assert in_transaction == [False]  # one read, outside a transaction: no BEGIN or COMMIT round trips
    assert runtime.state.get("ussd:replay-1") is None  # no menu position kept, in any store
    assert LAI_AMOUNT_VI in dial(client, LAI_PHONE, "1", "replay-1")
    assert runtime.state.get("ussd:replay-1")["depth"] == 1  # from the first input on, it is kept
    assert dial(client, LAI_PHONE, "1*0", "replay-1") == menu


def test_unicode_screens_keep_diacritics_within_the_shorter_limit(runtime, world):
    from ansinh import create_app

    runtime.settings = runtime.settings.with_(ussd_unicode=True)
    client = create_app(runtime.settings, runtime=runtime).test_client()
    body = client.post("/ussd/africastalking", headers=USSD_AUTH,
                       data={"sessionId": "u1", "phoneNumber": LAI_PHONE, "text": "1"}).get_data(as_text=True)
    assert "Lài" in body and len(body) <= 80


def test_database_down_gives_a_polite_end(tmp_path):
    from ansinh import create_app
    from core.settings import Settings

    settings = Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", secret_key="x",
                        ussd_secret=USSD_SECRET)
    client = create_app(settings).test_client()
    for url, data in (("/ussd/africastalking", {"sessionId": "x", "phoneNumber": LAI_PHONE, "text": "1"}),
                      ("/ussd/session", {"sessionId": "x", "phoneNumber": LAI_PHONE, "input": "1"})):
        response = client.post(url, data=data, headers=USSD_AUTH)
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and body.startswith("END ") and len(body) <= 182 and body.isascii()
