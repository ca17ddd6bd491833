"""The README's example command, read from README.md itself and run as written against a loaded
demo: its phone is a demo identity, and the answer is that person's own payment (not the
"register first" answer a number off the lists gets). Fails when the README and the demo drift."""
from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from ansinh.demo import DEMO_IDENTITIES, STRANGER_PHONE, load_demo
from core.clock import Clock
from tests.support.ussd_factories import ansinh_command, worker_env

pytestmark = pytest.mark.slow  # starts processes

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_ask_commands() -> list[list[str]]:
    """Every `ansinh ask …` line of the README's shell blocks, as argument lists after `ansinh`."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    return [shlex.split(line)[1:] for line in lines if re.match(r"(\S*/)?ansinh ask\b", line)]


def _option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def test_the_readme_shows_an_ask_command_with_a_demo_identity():
    commands = readme_ask_commands()
    assert commands, "README.md has no `ansinh ask` example"
    demo_phones = {who["phone"] for who in DEMO_IDENTITIES if who["code"]}
    for args in commands:
        assert _option(args, "--from") in demo_phones and _option(args, "--from") != STRANGER_PHONE, args


def test_the_readme_example_gets_a_real_answer_from_the_demo(sessions, database_url_for_run, tmp_path):
    settings_clock = Clock("Asia/Ho_Chi_Minh")
    load_demo(sessions, settings_clock.today(), scale=0.01)  # as `ansinh demo` loads it today, smaller
    for args in readme_ask_commands():
        who = next(w for w in DEMO_IDENTITIES if w["phone"] == _option(args, "--from"))
        done = subprocess.run(ansinh_command(*args), cwd=tmp_path, env=worker_env(database_url_for_run, None),
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        answer = done.stdout
        assert "DK <ma doi tuong>" not in answer, answer  # not the "register first" answer
        assert "truc trac" not in answer, answer  # nor the apology for a failure
        amount = {"BT4600001": "750.000d"}.get(who["code"])
        assert re.search(r"\d{2}/\d{4}|\d{2}/\d{2}/\d{4}", answer), answer  # a month or a day of hers
        if amount:
            assert amount in answer, answer
