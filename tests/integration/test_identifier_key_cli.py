"""Outside the demo, the commands that hash national IDs refuse to start with the public demo key:
one Vietnamese line saying how to make a key, exit status 2, no traceback, nothing done. The demo
(no provider, no secret key) keeps working without one."""
from __future__ import annotations

import os
import socket
import subprocess

import pytest
from sqlalchemy import func, select

from core.models import Beneficiary
from tests.ussd_factories import ansinh_command

CONFIG_PREFIXES = ("ANSINH_", "TWILIO_", "TELEGRAM_", "ZALO_", "KANNEL_", "SMPP_")


def _free_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


def _ansinh(database_url: str, tmp_path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    """Run a command as an operator would, from an empty folder (no .env) with only these variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(CONFIG_PREFIXES)}
    env.update(ANSINH_DATABASE_URL=database_url, **variables)
    return subprocess.run(ansinh_command(*args), env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=60,
                          check=False)


@pytest.mark.parametrize("command, variable", [
    (("serve", "--port", "{port}"), "TWILIO_AUTH_TOKEN"),
    (("serve", "--workers", "1", "--port", "{port}"), "KANNEL_PASSWORD"),
    (("worker", "--once"), "ANSINH_SECRET_KEY"),
    (("import", "beneficiaries", "{file}"), "ZALO_OA_SECRET_KEY"),
    (("import", "beneficiaries", "{file}"), "SMPP_PASSWORD"),
])
def test_a_deployment_without_an_identifier_key_refuses_to_start(command, variable, database_url_for_run,
                                                                 sessions,
                                                                  data_dir, tmp_path):
    args = [a.format(port=_free_port(), file=data_dir / "import_beneficiaries.csv") for a in command]
    done = _ansinh(database_url_for_run, tmp_path, *args, **{variable: "set-in-production"})
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and done.stdout == "", done.stderr
    assert lines[0].startswith("Chưa đặt ANSINH_IDENTIFIER_KEY") and f"đã đặt {variable}" in lines[0]
    assert 'python -c "import secrets; print(secrets.token_hex(32))"' in lines[0]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Beneficiary)) == 0


def test_the_public_demo_key_typed_in_is_no_key(database_url_for_run, sessions, data_dir, tmp_path):
    done = _ansinh(database_url_for_run, tmp_path, "import", "beneficiaries",
                   str(data_dir / "import_beneficiaries.csv"),
                   TELEGRAM_BOT_TOKEN="7000000001:prod", ANSINH_IDENTIFIER_KEY="ansinh/identifier/v1")
    assert done.returncode == 2 and "ANSINH_IDENTIFIER_KEY" in done.stderr


@pytest.mark.parametrize("variables", [
    {},  # the demo: no provider, no secret key
    {"TWILIO_AUTH_TOKEN": "set-in-production", "ANSINH_IDENTIFIER_KEY": "0123456789abcdef" * 4},
])
def test_the_demo_and_a_deployment_with_a_key_import(variables, database_url_for_run, sessions, data_dir,
                                                     tmp_path):
    done = _ansinh(database_url_for_run, tmp_path, "import", "beneficiaries",
                   str(data_dir / "import_beneficiaries.csv"), **variables)
    assert done.returncode == 0, done.stdout + done.stderr
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Beneficiary)) == 6
