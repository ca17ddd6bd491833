"""The black-box check of issue 5, through the commands an operator runs: `ansinh import`,
`ansinh worker` (killed with SIGKILL) and `ansinh worker --once`, with TWILIO_API_BASE_URL at a
local Twilio stand-in that records every SMS.

Officers' CSVs imported: the paid beneficiary and her guardian each get exactly one SMS, the
guardian's with the amount; re-importing the same file sends nothing; after the worker is killed
and restarted, a newly paid payment reaches the child's guardian exactly once.
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from core.clock import Clock
from tests.standins.twilio import MESSAGES_PATH, twilio_standin

LAI, LAI_SON, AN_AUNT = "+84912345678", "+84905111222", "+84905333444"
BENEFICIARIES = (
    "Mã đối tượng,Họ và tên,Ngày sinh,Giới tính,Mã xã,Địa chỉ,Chế độ,Diện đối tượng,Hệ số,Số tiền hàng tháng,"
    "Hình thức nhận,Đơn vị chi trả,Số tài khoản,Số điện thoại,Người giám hộ,SĐT người giám hộ,Quan hệ\n"
    "HUE-0001,Nguyễn Thị Lài,12/03/1938,Nữ,19786,12 Lê Lợi,TCXH,NCT_NGHEO_80,\"1,5\",750.000,Ví điện tử,"
    "Viettel Money,0912345678,0912345678,Trần Văn Hùng,0905111222,con\n"
    "HUE-0002,Lê Văn An,01/05/2016,Nam,19786,Kiệt 5 Đặng Huy Trứ,TCXH,TE_MC_4_16,\"1,5\",750.000,Tiền mặt,"
    "Bưu điện Huế,,,Lê Thị Bình,0905333444,cô ruột\n"
)
PAYMENTS = "Kỳ chi trả,Mã đối tượng,Số tiền,Trạng thái,Ngày chi trả,Hình thức,Ghi chú\n"


@pytest.fixture
def twilio():
    standin, _messages = twilio_standin()
    yield standin
    standin.stop()


@pytest.fixture
def ansinh(sessions, database_url_for_run, twilio, tmp_path):
    """Run `ansinh …` as its own process against the test database and the stand-in."""
    env = {**os.environ, "ANSINH_DATABASE_URL": database_url_for_run, "ANSINH_QUIET_HOURS": "off",
           "ANSINH_SECRET_KEY": "e2e", "ANSINH_IDENTIFIER_KEY": "e2e-identifiers",
           "ANSINH_PUBLIC_URL": "http://127.0.0.1:9",
           "TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "token", "TWILIO_FROM": "+15005550006",
           "TWILIO_API_BASE_URL": twilio.url}
    command = [str(Path(sys.executable).with_name("ansinh"))]

    def run(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([*command, *args], env=env, cwd=tmp_path, capture_output=True, text=True,
                              timeout=120,
                              check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    run.start = lambda *args: subprocess.Popen([*command, *args], env=env, cwd=tmp_path,
                                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return run


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return str(path)


def _sms(twilio) -> list[dict]:
    return [request.form for request in twilio.requests_to(MESSAGES_PATH, "POST")]


def test_imported_results_reach_each_person_once_across_reimports_and_a_killed_worker(ansinh, twilio,
                                                                                      tmp_path):
    today = Clock().today()  # the worker runs on the real clock: the payments are this month's
    period, paid_on = today.strftime("%m/%Y"), today.strftime("%d/%m/%Y")
    ansinh("import", "beneficiaries", _file(tmp_path, "doi_tuong.csv", BENEFICIARIES))
    first = _file(
        tmp_path,
        "ket_qua_1.csv",
        PAYMENTS + f"{period},HUE-0001,750.000,Đã chi trả,{paid_on},Ví điện tử,\n"
        f"{period},HUE-0002,750.000,Chờ chi trả,,Tiền mặt,\n",
    )
    ansinh("import", "payments", first)

    worker = ansinh.start("worker")
    try:
        reached = twilio.wait_for(lambda requests: len(requests) >= 2, timeout=60)
    finally:
        worker.kill()  # SIGKILL: no clean shutdown
        worker.wait(timeout=30)
    assert reached, "the worker sent nothing: " + worker.stderr.read().decode()[-2000:]
    sent = _sms(twilio)
    assert Counter(form["To"] for form in sent) == {LAI: 1, LAI_SON: 1}
    to_son = next(form["Body"] for form in sent if form["To"] == LAI_SON)
    assert "cua ba Nguyen Thi Lai (750.000d) da vao vi Viettel Money" in to_son

    ansinh("import", "payments", first)  # the same file again
    assert "handled 0" in ansinh("worker", "--once").stdout
    assert len(_sms(twilio)) == 2

    second = _file(tmp_path, "ket_qua_2.csv",
                   PAYMENTS + f"{period},HUE-0002,750.000,Đã chi trả,{paid_on},Tiền mặt,\n")
    ansinh("import", "payments", second)
    ansinh("worker", "--once")  # the restarted worker
    ansinh("import", "payments", second)
    ansinh("worker", "--once")
    sent = _sms(twilio)
    assert Counter(form["To"] for form in sent) == {LAI: 1, LAI_SON: 1, AN_AUNT: 1}
    assert "cua chau Le Van An (750.000d) da duoc nhan bang tien mat" in sent[-1]["Body"]
