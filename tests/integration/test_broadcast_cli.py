"""`ansinh broadcast` as an officer uses it: scope at creation, four-eyes approval, nothing queued
before approval, then exactly the right people of the commune, in GSM-7."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from ansinh.cli import main
from ansinh.cli_support import CliState
from core.models import Broadcast, Identity, OutboxMessage
from core.vietnamese_text import is_gsm7, strip_diacritics
from tests.console_support import (
    HUONG_THUY,
    PHU_VINH,
    THUAN_HOA,
    make_beneficiary,
    make_officer,
)


@pytest.fixture
def cli(runtime):
    state = CliState()
    state._runtime = runtime

    def invoke(*args: str, stdin: str | None = None):
        return CliRunner().invoke(main, list(args), obj=state, input=stdin)

    return invoke


@pytest.fixture
def commune(sessions):
    """Thuận Hóa: Lài (own phone and a consenting guardian), Thọ (opted out), Mận (a guardian
    without consent); one beneficiary in Phú Vinh. Officers: lan and hoa (communes), tinh (province)."""
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
        make_officer(session, "hoa", "commune", PHU_VINH)
        make_officer(session, "tinh", "province", "46")
        make_beneficiary(session, "BT001", "Nguyễn Thị Lài", THUAN_HOA, phone="+84978451203",
                         guardian_phone="+84905318246")
        make_beneficiary(session, "BT002", "Hồ Văn Thọ", THUAN_HOA, phone="+84382718345", opted_out=True)
        make_beneficiary(session, "BT003", "Phan Thị Mận", THUAN_HOA, phone="+84935602417",
                         guardian_phone="+84935602000", guardian_consent=False)
        make_beneficiary(session, "BT004", "Lê Văn Lộc", PHU_VINH, phone="+84912000004")
    return sessions


def outbox_count(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage))


def test_a_commune_officer_cannot_target_another_commune(cli, commune):
    result = cli("broadcast", "create", "--as", "lan", "--text", "Lịch chi trả tháng 12", "--unit", PHU_VINH)
    assert result.exit_code == 1
    assert "ngoài phạm vi" in result.stderr and "Traceback" not in result.output
    with commune() as session:
        assert session.scalar(select(func.count()).select_from(Broadcast)) == 0


def test_unknown_fields_are_refused_in_vietnamese(cli, commune):
    result = cli("broadcast", "create", "--as", "lan", "--text", "Kính gửi {ten}")
    assert result.exit_code == 1
    assert "{ten}" in result.stderr and "{ho_ten}" in result.stderr and "Không có trường" in result.stderr


def test_approval_by_a_province_administrator_queues_exactly_the_commune(cli, commune):
    text = "Kính gửi {ho_ten}: tiền tháng {ky} đã về, ông/bà nhớ nhận."
    created = cli("broadcast", "create", "--as", "lan", "--text", text, "--period", "2026-11")
    assert created.exit_code == 0, created.output
    broadcast_id = int(created.output.strip().splitlines()[-1])
    assert outbox_count(commune) == 0, "nothing may be queued before approval"

    own = cli("broadcast", "approve", str(broadcast_id), "--as", "lan")
    assert own.exit_code == 1 and "không thể tự duyệt" in own.stderr
    other_commune = cli("broadcast", "approve", str(broadcast_id), "--as", "hoa")
    assert other_commune.exit_code == 1
    assert outbox_count(commune) == 0

    approved = cli("broadcast", "approve", str(broadcast_id), "--as", "tinh")
    assert approved.exit_code == 0, approved.output
    with commune() as session:
        rows = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.address)))
    assert sorted(r.address for r in rows) == ["+84905318246", "+84935602417", "+84978451203"]
    assert all(
        r.kind == "broadcast" and r.ref == f"broadcast:{broadcast_id}" and r.priority == 9 for r in rows
    )
    texts = {r.address: r.text for r in rows}
    assert texts["+84978451203"] == strip_diacritics("Kính gửi Nguyễn Thị Lài: tiền tháng 11/2026 đã về, "
                                                     "ông/bà nhớ nhận.")
    assert all(is_gsm7(r.text) for r in rows)

    shown = cli("broadcast", "show", str(broadcast_id))
    data = json.loads(shown.output)
    assert data["recipients"] == len(rows) == data["queued"] == 3
    assert data["status"] == "sending" and data["id"] == broadcast_id

    again = cli("broadcast", "approve", str(broadcast_id), "--as", "tinh")
    assert again.exit_code == 1 and outbox_count(commune) == 3


def test_opted_out_channels_and_categories_filter_the_audience(cli, commune):
    with commune.begin() as session:
        identity = session.scalar(select(Identity).where(Identity.address == "+84905318246"))
        identity.opted_out = True
        make_beneficiary(session, "BT005", "Trần Văn Hải", THUAN_HOA, phone="+84912000005",
                         categories=("NKT_NANG",))
    created = cli("broadcast", "create", "--as", "lan", "--text", "Họp dân", "--category", "NCT_80")
    broadcast_id = created.output.strip().splitlines()[-1]
    assert cli("broadcast", "approve", broadcast_id, "--as", "tinh").exit_code == 0
    with commune() as session:
        addresses = set(session.scalars(select(OutboxMessage.address)))
    assert addresses == {"+84978451203", "+84935602417"}


def test_a_province_broadcast_needs_a_province_approver(cli, commune):
    created = cli("broadcast", "create", "--as", "tinh", "--text", "Mở tài khoản miễn phí", "--method",
                  "cash",
                  "--at", "2026-11-27 08:00")
    assert created.exit_code == 0, created.output
    broadcast_id = created.output.strip().splitlines()[-1]
    assert cli("broadcast", "approve", broadcast_id, "--as", "lan").exit_code == 1
    with commune.begin() as session:
        make_officer(session, "tinh2", "province", "46")
    assert cli("broadcast", "approve", broadcast_id, "--as", "tinh2").exit_code == 0
    with commune() as session:
        rows = list(session.scalars(select(OutboxMessage)))
    assert len(rows) == 4 and all(r.not_before is not None and r.not_before.hour == 1 for r in rows)
    data = json.loads(cli("broadcast", "show", broadcast_id).output)
    assert data["status"] == "approved" and data["recipients"] == 4


def test_a_time_in_the_past_or_badly_written_is_refused(cli, commune):
    past = cli("broadcast", "create", "--as", "lan", "--text", "x", "--at", "2026-11-01 08:00")
    assert past.exit_code == 1 and "đã qua" in past.stderr
    bad = cli("broadcast", "create", "--as", "lan", "--text", "x", "--at", "mai")
    assert bad.exit_code == 1 and "YYYY-MM-DD HH:MM" in bad.stderr


def test_officer_create_from_stdin(cli, sessions):
    ok = cli("officer", "create", "Mai", "--role", "commune", "--unit", HUONG_THUY, "--password-stdin",
             "--full-name", "Trần Thị Mai", stdin="mat-khau-dai\n")
    assert ok.exit_code == 0, ok.output
    again = cli("officer", "create", "mai", "--role", "commune", "--unit", HUONG_THUY, "--password-stdin",
                stdin="x" * 10 + "\n")
    assert again.exit_code == 1 and "đã có" in again.stderr
    short = cli("officer", "create", "lan2", "--role", "commune", "--unit", HUONG_THUY, "--password-stdin",
                stdin="ngan\n")
    assert short.exit_code == 1 and "8" in short.stderr
    no_unit = cli("officer", "create", "lan3", "--role", "commune", "--password-stdin",
                  stdin="mat-khau-dai\n")
    assert no_unit.exit_code == 1
