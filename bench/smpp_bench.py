"""USSD over SMPP against the same load through Africa's Talking's route, in the same run.

The demo province (bench.web_bench.demo_environment); BENCH_SMPP_SESSIONS sessions of two steps
each (dial in, then "1": this month's money), on phones on file:
- baseline: POST /ussd/africastalking through the WSGI app in this process (no server, no network),
  one request after the other;
- smpp: the same steps as deliver_sm from the stand-in SMSC on loopback (tests/standins/smsc.py,
  smpplib's PDUs) to the ESME of `ansinh smpp` (ussd.smpp_link + ussd.smpp_gateway) in this
  process, each answered by a submit_sm: one step at a time ("sequential", the latency a caller
  sees), then every session's dial-in at once and then every "1" ("pipelined", what one bind takes
  with the link's handler threads and window).
Reports steps per second and the ratio to the baseline.

    python -m bench smpp
    BENCH_DATABASE_URL=… BENCH_REDIS_URL=… python -m bench smpp
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.web_bench import USSD_KEY, _phones, demo_environment

SESSIONS = int(os.environ.get("BENCH_SMPP_SESSIONS", "300"))
SERVICE_CODE = "*384*46#"


def _runtime(env: dict):
    from ansinh.runtime import Runtime
    from core.settings import Settings

    os.environ.update({k: v for k, v in env.items() if k.startswith(("ANSINH_", "TWILIO_"))})
    return Runtime(Settings.from_env(env_file=None))


def _africastalking(runtime, phones: list[str], run: str) -> float:
    from ansinh import create_app

    client = create_app(runtime.settings, runtime=runtime).test_client()
    started = time.perf_counter()
    for i, phone in enumerate(phones):
        for text in ("", "1"):
            response = client.post("/ussd/africastalking", headers={"X-AnSinh-Key": USSD_KEY},
                                   data=urlencode({"sessionId": f"at-{run}-{i}", "serviceCode": SERVICE_CODE,
                                                   "phoneNumber": phone, "text": text}),
                                   content_type="application/x-www-form-urlencoded")
            assert response.status_code == 200 and response.get_data(as_text=True).startswith("CON ")
    return time.perf_counter() - started


def _step(smsc, phone: str, session: int, text: str, operation: int, sequence: int) -> None:
    smsc.deliver(source_addr=phone.lstrip("+"), source_addr_ton=1, source_addr_npi=1,
                 destination_addr=SERVICE_CODE,
                 short_message=text.encode("ascii"), ussd_service_op=operation,
                 its_session_info=((session & 0xFF) << 8) | (sequence << 1))


def _smpp(runtime, phones: list[str]) -> dict:
    from tests.standins.smsc import StandInSmsc
    from ussd.smpp_gateway import SmppGateway
    from ussd.smpp_link import LinkConfig, SmppLink
    from ussd.smpp_tlvs import PSSR_INDICATION, USSR_CONFIRM

    with StandInSmsc() as smsc:
        gateway = SmppGateway(runtime, submit=lambda **fields: link.submit(**fields))
        link = SmppLink(LinkConfig("127.0.0.1", smsc.port, "ansinh", "secret", max_tps=0, window=50),
                        gateway.on_deliver)
        link.start()
        smsc.wait_bound()
        started = time.perf_counter()
        for i, phone in enumerate(phones):
            _step(smsc, phone, i, SERVICE_CODE, PSSR_INDICATION, 0)
            smsc.wait_for_submits(2 * i + 1, timeout=60)
            _step(smsc, phone, i, "1", USSR_CONFIRM, 2)
            smsc.wait_for_submits(2 * i + 2, timeout=60)
        sequential = time.perf_counter() - started
        done = len(smsc.submits)
        started = time.perf_counter()
        for i, phone in enumerate(phones):
            _step(smsc, phone, i, SERVICE_CODE, PSSR_INDICATION, 0)
        smsc.wait_for_submits(done + len(phones), timeout=300)
        for i, phone in enumerate(phones):
            _step(smsc, phone, i, "1", USSR_CONFIRM, 2)
        smsc.wait_for_submits(done + 2 * len(phones), timeout=300)
        pipelined = time.perf_counter() - started
        link.stop()
    return {"sequential": sequential, "pipelined": pipelined}


def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = demo_environment(Path(tmp))
        phones = (_phones(env) * 2)[:SESSIONS]
        runtime = _runtime(env)
        try:
            _africastalking(runtime, phones[:20], "warm")
            baseline = _africastalking(runtime, phones, str(time.time_ns()))
            smpp = _smpp(runtime, phones)
        finally:
            runtime.close()
    steps = 2 * len(phones)
    rate = {name: round(steps / seconds, 1) for name,
            seconds in (("africastalking", baseline), *smpp.items())}
    return {
        "sessions": len(phones), "steps": steps, "steps_per_second": rate,
        "ratio_sequential": round(rate["sequential"] / rate["africastalking"], 2),
        "ratio_pipelined": round(rate["pipelined"] / rate["africastalking"], 2),
    }
