"""`make run PORT=5101` and `ansinh serve --port P` print the links of the port they serve on (the
console, the simulator, the landing page), and each printed link opens; `ansinh demo`, which
cannot know the port, prints no address at all."""
from __future__ import annotations

import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from ansinh.cli import main
from ansinh.cli_support import CliState
from tests.support.processes import free_port
from tests.support.ussd_factories import ansinh_command, worker_env

pytestmark = pytest.mark.slow  # starts processes

ROOT = Path(__file__).resolve().parents[2]


def _wait_until_up(url: str, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer at {url}")


def test_make_run_passes_its_port_on():
    dry = subprocess.run(["make", "-n", "run", "PORT=5101", "HOST=127.0.0.1"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=False)
    assert dry.returncode == 0, dry.stderr
    assert "--port 5101" in dry.stdout and "5000" not in dry.stdout


def test_serve_prints_links_of_its_own_port_and_they_open(sessions, database_url_for_run, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    env = worker_env(database_url_for_run, None, ANSINH_SIMULATOR="on")
    with log.open("w") as stderr:
        process = subprocess.Popen(ansinh_command("serve", "--dev", "--no-dispatch", "--port", str(port)),
                                   cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/healthz", process, time.monotonic() + 120)
        printed = re.findall(r"https?://\S+", log.read_text(encoding="utf-8"))
        ours = [url for url in printed if re.search(rf":{port}/(console/|simulator)?$", url)]
        assert {f"http://127.0.0.1:{port}/console/", f"http://127.0.0.1:{port}/simulator",
                f"http://127.0.0.1:{port}/"} <= set(ours), printed
        assert all(f":{port}" in url for url in printed), printed
        for url in ours:
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.status == 200, url
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_demo_prints_no_address(runtime):
    state = CliState()
    state._runtime = runtime
    result = CliRunner().invoke(main, ["demo", "--scale", "0.005"], obj=state)
    assert result.exit_code == 0, result.output
    assert "/console/" in result.output and "http" not in result.output
