"""Cash days as of the clock: on 07/12/2026, when December's two cash points (02–03/12 and
04–05/12) are over, every path a cash recipient asks through (SMS, USSD, Telegram, `ansinh ask`)
says what happened and where to go if the money was not collected, names both points, and none
gives a past day as a coming one; on 04/12 they all say what is over and what is still ahead. A
broadcast's {ngay_chi_tra} never fills in a past day as a coming one."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from ansinh.cli import main
from ansinh.cli_support import CliState
from core.clock import FakeClock
from core.outbox.dispatch import Dispatcher
from core.models import CashSchedule, Identity, OutboxMessage, Unit
from core.vietnamese_text import to_ascii
from tests.e2e import test_telegram_bot as telegram
from tests.e2e.test_sms_twilio import inbound, messages, signed_post
from tests.standins_bot import private_message
from tests.ussd_factories import CASH_UNIT, THO_PHONE, USSD_AUTH, build_world

POST_OFFICE = "Bưu điện văn hóa xã Bình Điền"
OFFICE = "UBND xã Bình Điền, thôn Bình Thành"
THO_TELEGRAM = 333333333
SECRET = telegram.SECRET
# The Bot API stand-in and the settings that point at it
bot_api, settings = telegram.bot_api, telegram.settings
DECEMBER_DAYS = {"02/12", "03/12", "04/12", "05/12"}


@pytest.fixture
def on_day(request) -> int:
    """The day of December the test runs on: the 7th unless the test is parametrized with another."""
    return getattr(request, "param", 7)


@pytest.fixture
def clock(clock, on_day):
    return FakeClock(datetime(2026, 12, on_day, 9, 0, tzinfo=clock.tz))


@pytest.fixture
def world(sessions):
    """Hồ Văn Thọ (cash, December still 'waiting for payment'), his commune's two December cash
    points, its officer, and his Telegram chat linked to the phone on file."""
    world = build_world(sessions)
    with sessions.begin() as session:
        session.add(CashSchedule(unit_code=CASH_UNIT, period="2026-12", start_date=date(2026, 12, 4),
                                 end_date=date(2026, 12, 5), hours="7h30-16h30", place=POST_OFFICE))
        session.execute(update(Unit).where(Unit.code == CASH_UNIT).values(
            officer_name="Lê Thị Hoa", officer_phone="+84905111222", office_address=OFFICE))
        person_id = session.scalar(select(Identity.person_id).where(Identity.address == THO_PHONE))
        session.add(Identity(person_id=person_id, kind="telegram", address=str(THO_TELEGRAM), verified=True,
                             verified_by="contact_share"))
    return world


def _sms(client, settings, text: str) -> str:
    return messages(signed_post(client, settings, "/sms/twilio", inbound(THO_PHONE, text)))[0]


def _ussd(client, choice: str) -> str:
    """Every screen of the answer to a menu choice (9 for the next while there is one)."""
    screens, text = [], choice
    while True:
        response = client.post("/ussd/africastalking", data={
            "sessionId": f"cash-days-{choice}", "serviceCode": "*384*46#", "phoneNumber": THO_PHONE,
            "text": text},
            headers=USSD_AUTH)
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and len(body) <= 182, body
        screens.append(body.rsplit("\n", 1)[0].removeprefix("CON ").removeprefix("END "))
        if "9 Tiep" not in body or len(screens) > 5:
            return " ".join(screens)
        text += "*9"


def _telegram(client, runtime, bot_api, text: str, update_id: int) -> str:
    client.post("/telegram/webhook", json=private_message(update_id, THO_TELEGRAM, text),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    sender = runtime.senders["telegram"]
    dispatcher = Dispatcher(runtime.sessions, {"telegram": sender}, runtime.clock, runtime.settings)
    while dispatcher.run_once() > 0:
        pass
    sent = [m["text"] for m in bot_api.sent() if str(m["chat_id"]) == str(THO_TELEGRAM)]
    return sent[-1]


def _ask(runtime, text: str, channel: str, sender: str = THO_PHONE) -> str:
    state = CliState()
    state._runtime = runtime
    result = CliRunner().invoke(main, ["ask", "--from", sender, "--channel", channel,
                                       "--today", runtime.clock.today().isoformat(), text], obj=state)
    assert result.exit_code == 0, result.output
    return result.output


def _answers(client, settings, runtime, bot_api) -> dict[str, str]:
    """The same two questions (has the money come; when is cash paid) on every path, in ASCII."""
    found = {
        "sms status": _sms(client, settings, "tien thang nay ve chua"),
        "sms schedule": _sms(client, settings, "LICH"),
        "ussd status": _ussd(client, "1"),
        "ussd schedule": _ussd(client, "2"),
        "telegram status": _telegram(client, runtime, bot_api, "Tiền tháng này về chưa?", 1),
        "telegram schedule": _telegram(client, runtime, bot_api, "LICH", 2),
        "cli status": _ask(runtime, "tien thang nay ve chua", "telegram", str(THO_TELEGRAM)),
        "cli schedule": _ask(runtime, "lịch nhận tiền mặt", "sms"),
    }
    return {path: to_ascii(text) for path, text in found.items()}


def _days(text: str) -> set[str]:
    return set(re.findall(r"\b\d\d/\d\d\b", text))


def test_on_the_7th_every_path_says_both_points_are_over_and_where_to_go(client, settings, runtime, bot_api,
                                                                         world):
    answers = _answers(client, settings, runtime, bot_api)
    for path, text in answers.items():
        assert _days(text) == DECEMBER_DAYS, (path, text)
        assert re.search(r"da chi ngay 02/12-03/12", text, re.IGNORECASE), (path, text)
        assert "Nhan tien mat" not in text and "Con chi" not in text, (path, text)
        if not path.startswith("ussd"):
            assert "Nha van hoa thon Binh Thanh" in text and "Buu dien van hoa xa Binh Dien" in text, (path,
                                                                                                       text)
    for path in ("sms status", "telegram status", "cli status"):
        assert "Chua nhan thi den UBND xa Binh Dien, thon Binh Thanh" in answers[path], answers[path]
    assert "0905111222" in answers["ussd status"]
    assert "Chua co lich nhan tien mat sap toi" in answers["sms schedule"]


@pytest.mark.parametrize("on_day", [4], indirect=True)
def test_on_the_4th_every_path_says_what_is_over_and_what_is_ahead(client, settings, runtime, bot_api, world):
    answers = _answers(client, settings, runtime, bot_api)
    for path, text in answers.items():
        assert _days(text) == DECEMBER_DAYS, (path, text)
        over = re.search(r"da chi ngay ([^.]*)\.(.*)", text, re.IGNORECASE | re.DOTALL)
        assert over and _days(over.group(1)) == {"02/12", "03/12"}, (path, text)
        assert _days(over.group(2)) == {"04/12", "05/12"}, (path, text)  # told after, as still ahead


@pytest.mark.parametrize("on_day, expected", [
    (1, "02/12/2026 - 03/12/2026; 04/12/2026 - 05/12/2026"),
    (4, "04/12/2026 - 05/12/2026"),
    (7, "02/12/2026 - 03/12/2026; 04/12/2026 - 05/12/2026 (da chi xong)"),
], indirect=["on_day"])
def test_a_broadcasts_cash_day_field_is_never_a_past_day_as_a_coming_one(runtime, world, expected):
    from tests.console_support import make_officer

    with runtime.sessions.begin() as session:
        make_officer(session, "binhdien", "commune", CASH_UNIT)
        make_officer(session, "tinh", "province", "46")
    state = CliState()
    state._runtime = runtime

    def cli(*args: str):
        result = CliRunner().invoke(main, list(args), obj=state)
        assert result.exit_code == 0, result.output
        return result.output

    created = cli("broadcast", "create", "--as", "binhdien", "--text", "Tien mat thang {ky}: {ngay_chi_tra}.",
                  "--period", "2026-12", "--method", "cash")
    cli("broadcast", "approve", created.strip().splitlines()[-1], "--as", "tinh")
    with runtime.sessions() as session:
        texts = set(session.scalars(select(OutboxMessage.text).where(OutboxMessage.address == THO_PHONE)))
    assert texts == {f"Tien mat thang 12/2026: {expected}."}
