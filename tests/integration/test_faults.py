"""Faults: the database goes away and comes back. USSD answers a polite END at once, an SMS is
kept for later (test_sms_spool), the chat webhooks get a retryable 503, /healthz says 503, and
everything answers again afterwards.

On PostgreSQL the connection runs through a loopback TCP proxy the test can cut; on SQLite the
database file is moved away (SQLite then finds no tables) and put back."""
from __future__ import annotations

import os
import shutil
import socket
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator

from ansinh import create_app
from ansinh.dispatching import drain_spools
from ansinh.runtime import Runtime
from core.clock import FakeClock
from core.models import OutboxMessage
from tests.conftest import TODAY
from tests.unit.factories import build_family
from tests.ussd_factories import USSD_AUTH


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to a target; `cut()` drops every connection and refuses new ones."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        self.up = False
        for s in self.connections:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.connections.clear()

    def restore(self) -> None:
        self.up = True


@pytest.fixture
def outage(settings, sessions, engine, database_url_for_run):
    """(app client, cut(), restore()) over the test database with the family of the dialog tests."""
    settings = settings.with_(ussd_outage_pause=0)  # no pause after the outage: the test does not wait
    with sessions.begin() as session:
        build_family(session)
    url = make_url(database_url_for_run)
    if url.get_backend_name() == "postgresql":
        proxy = CuttableProxy((url.host or "127.0.0.1", url.port or 5432))
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        runtime = Runtime(settings.with_(database_url=proxied), FakeClock(TODAY))
        cut, restore = proxy.cut, proxy.restore
    else:
        path = url.database
        runtime = Runtime(settings, FakeClock(TODAY))
        files = [path, path + "-wal", path + "-shm"]

        def cut():
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            for e in (engine, runtime.engine):
                e.dispose()
            for name in files:
                if os.path.exists(name):
                    shutil.move(name, name + ".away")

        def restore():
            runtime.engine.dispose()
            for name in files:
                if os.path.exists(name):
                    os.remove(name)  # the empty database SQLite created meanwhile
                if os.path.exists(name + ".away"):
                    shutil.move(name + ".away", name)
    app = create_app(runtime.settings, runtime=runtime)
    down: list[bool] = []

    def take_away() -> None:
        cut()
        down.append(True)

    def give_back() -> None:
        restore()
        down.clear()

    yield app.test_client(), take_away, give_back, runtime
    if down:  # a test that failed (or ended) mid-outage leaves the database to the next one
        restore()
    runtime.close()


def _sms(client, settings, sid: str, body: str):
    params = {"MessageSid": sid, "From": "+84912345678", "To": "+15005550006", "Body": body}
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(
        settings.public_url + "/sms/twilio", params
    )
    return client.post("/sms/twilio", data=params, headers={"X-Twilio-Signature": signature})


def test_outage_and_recovery(outage, settings):
    client, cut, restore, runtime = outage
    ussd = {"sessionId": "s1", "serviceCode": "*384*46#", "phoneNumber": "+84912345678",
            "networkCode": "45204", "text": "1"}
    assert "750.000d" in client.post("/ussd/africastalking", data=ussd,
                                     headers=USSD_AUTH).get_data(as_text=True)

    cut()
    down = client.post("/ussd/africastalking", data={**ussd, "sessionId": "s2"}, headers=USSD_AUTH)
    assert down.status_code == 200 and down.get_data(as_text=True).startswith("END ")
    kept = _sms(client, settings, "SMfault1", "tien thang nay")
    assert kept.status_code == 200 and "Da nhan tin nhan" in kept.get_data(as_text=True)
    assert client.get("/healthz").status_code == 503

    restore()
    assert client.get("/healthz").status_code == 200
    recovered = client.post("/ussd/africastalking", data={**ussd, "sessionId": "s3"},
                            headers=USSD_AUTH).get_data(as_text=True)
    assert "750.000d" in recovered
    # Delivered again (the number's fallback URL), the kept SMS is answered in TwiML, and only there.
    again = _sms(client, settings, "SMfault1", "tien thang nay")
    assert again.status_code == 200 and "750.000d" in again.get_data(as_text=True)
    assert drain_spools(runtime) == 1  # the kept copy is settled: it was answered
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_database_restart_costs_no_caller_an_apology(outage, settings, database_url_for_run):
    """Pools keep connections without pinging them first (a ping is a round trip on every turn):
    after a restart, the turn that meets a dead connection runs again on a fresh one."""
    if make_url(database_url_for_run).get_backend_name() != "postgresql":
        pytest.skip("SQLite has no connections to lose")
    client, cut, restore, runtime = outage
    ussd = {"sessionId": "r1", "serviceCode": "*384*46#", "phoneNumber": "+84912345678",
            "networkCode": "45204", "text": "1"}
    assert "750.000d" in client.post("/ussd/africastalking", data=ussd,
                                     headers=USSD_AUTH).get_data(as_text=True)
    assert "750.000d" in _sms(client, settings, "SMrestart0", "tien thang nay").get_data(as_text=True)

    cut()  # every pooled connection dies, as in a restart ...
    restore()  # ... and the database is back before the next caller
    after = client.post("/ussd/africastalking", data={**ussd, "sessionId": "r2"},
                        headers=USSD_AUTH).get_data(as_text=True)
    assert after.startswith("CON ") and "750.000d" in after
    cut()
    restore()
    sms = _sms(client, settings, "SMrestart1", "tien thang nay")
    assert sms.status_code == 200 and "750.000d" in sms.get_data(as_text=True)
