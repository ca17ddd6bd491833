"""`ansinh smpp` as an operator runs it: bound to a stand-in SMSC on loopback, answering a USSD
dial-in and an SMS (through its own outbox dispatcher, ANSINH_SMS_PROVIDER=smpp), and unbinding
on SIGTERM; refusing to start, in one Vietnamese line, without its bind credentials."""
from __future__ import annotations

import subprocess

import pytest

from ansinh.runtime import Runtime
from tests.processes import terminate
from tests.standins.smsc import StandInSmsc
from tests.ussd_factories import LAI_PHONE, ansinh_command, build_world, worker_env
from ussd.smpp_text import decode
from ussd.smpp_tlvs import PSSR_INDICATION, USSR_REQUEST

START_WAIT = 90.0  # a cold interpreter on a busy machine


def smpp_env(database_url: str, port: int, **extra: str) -> dict[str, str]:
    variables = {"SMPP_HOST": "127.0.0.1", "SMPP_PORT": str(port), "SMPP_SYSTEM_ID": "ansinh",
                 "SMPP_PASSWORD": "s3cret",
                     "SMPP_SYSTEM_TYPE": "VMA", "SMPP_SOURCE_ADDR": "8079", "SMPP_RECONNECT_MIN": "0.1",
                     "ANSINH_SMS_PROVIDER": "smpp"}
    return worker_env(database_url, None, **{**variables, **extra})


def test_serves_ussd_and_sms_then_unbinds_on_sigterm(database_url_for_run, sessions, tmp_path):
    build_world(sessions)
    with StandInSmsc(system_id="ansinh", password="s3cret") as smsc:
        process = subprocess.Popen(ansinh_command("smpp"), cwd=tmp_path,
                                   env=smpp_env(database_url_for_run, smsc.port),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            smsc.wait_bound(timeout=START_WAIT)
            assert smsc.binds[0] == {"system_id": "ansinh", "system_type": "VMA"}
            smsc.deliver(source_addr=LAI_PHONE.lstrip("+"), destination_addr="*123#", short_message=b"*123#",
                         ussd_service_op=PSSR_INDICATION, its_session_info=0x0500)
            [menu] = smsc.wait_for_submits(1)
            assert menu.ussd_service_op == USSR_REQUEST and "1 " in decode(menu.short_message,
                                                                           menu.data_coding)
            smsc.deliver(source_addr=LAI_PHONE.lstrip("+"), destination_addr="8079", short_message=b"TC")
            answer = smsc.wait_for_submits(2)[1]
            assert answer.destination_addr == LAI_PHONE.lstrip("+").encode() and answer.source_addr == b"8079"
            assert answer.ussd_service_op is None and decode(answer.short_message, answer.data_coding).strip()
            smsc.wait_acknowledged()
        finally:
            code = terminate(process)
        _out, err = process.communicate()
        assert code == 0, err
        assert smsc.unbinds == 1  # SIGTERM unbinds, it does not just drop the link
        assert "Traceback" not in err


def test_sigterm_while_the_smsc_is_unreachable_exits_cleanly(database_url_for_run, sessions, tmp_path):
    from tests.ussd_factories import free_port

    process = subprocess.Popen(ansinh_command("smpp"), cwd=tmp_path,
                               env=smpp_env(database_url_for_run, free_port()),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:  # it says it runs, then keeps trying to bind with backoff
        assert "running" in process.stderr.readline()
        assert "failed (Connection refused)" in process.stderr.readline()
    finally:
        code = terminate(process)
    _out, err = process.communicate()
    assert code == 0 and "Traceback" not in err, err


@pytest.mark.parametrize(("changes", "says"), [
    ({"smpp_password": None}, "chưa đặt SMPP_PASSWORD"),
    ({"smpp_password": "nine-char"}, "SMPP_PASSWORD"),
    ({"smpp_host": None}, "chưa đặt SMPP_HOST"),
])
def test_refuses_to_start_without_usable_credentials(runtime, changes, says):
    from click.testing import CliRunner

    from ansinh.cli import main
    from ansinh.cli_support import CliState

    state = CliState()
    bind = {"smpp_host": "127.0.0.1", "smpp_system_id": "ansinh", "smpp_password": "s3cret"}
    state._runtime = Runtime(runtime.settings.with_(**{**bind, **changes}), runtime.clock)
    result = CliRunner().invoke(main, ["smpp"], obj=state)
    assert result.exit_code == 1
    assert says in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(("provider", "twilio", "expected"), [
    ("smpp", True, None),  # `ansinh smpp` sends SMS over its bind; other processes leave them to it
    ("", True, "twilio"),
    ("", False, "simulator"),
    ("simulator", True, "simulator"),
])
def test_sms_provider_selects_the_sender_of_other_processes(settings, sessions, provider, twilio, expected):
    from ussd import make_senders

    chosen = settings.with_(sms_provider=provider, **({} if twilio else {"twilio_account_sid": None}))
    sender = make_senders(chosen, sessions, None).get("sms")
    assert (sender.provider if sender is not None else None) == expected


def test_an_unknown_sms_provider_sends_nothing_and_says_so(settings, sessions):
    from ussd import make_senders
    from ussd.sms_providers import UnknownSmsProvider

    with pytest.raises(UnknownSmsProvider, match="kannel-typo"):
        make_senders(settings.with_(sms_provider="kannel-typo"), sessions, None)
