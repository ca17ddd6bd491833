"""A real Kannel on loopback for tests: Debian's bearerbox and smsbox, with Kannel's own fake SMSC
(`fakesmsc` from kannel-extras) as the carrier's side. Started once per module (`running_kannel`).

The fake SMSC plays the phones: `inject("0978451203 8079 text Xin chào")` (fakesmsc's
"sender receiver type text" lines on its stdin) sends a message into Kannel, which calls the
sms-service's get-url on the app; what Kannel sends out reaches it as "Got message N: <from to
type text>" lines (`wait_for_sent`), and it reports each one delivered to the dlr-url. The app
under test sits behind one WSGI server whose application each test swaps in (`serve(app)`),
because kannel.conf names its port once.
"""
from __future__ import annotations

import queue
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_to_bytes

import requests
from werkzeug.serving import make_server

from tests.ussd_factories import free_port

FAKESMSC_PATHS = ("fakesmsc", "/usr/lib/kannel/test/fakesmsc")
KEY = "real-kannel-key"
USER, PASSWORD, SHORT_NUMBER = "ansinh", "sendsms-pw", "8079"
LINE_LIMIT = 240  # octets of one fakesmsc input line it reads at once
START_DEADLINE = 30.0  # seconds for the boxes to come up and the fake SMSC to be online
NOT_INSTALLED = ("Kannel is not installed (Debian packages kannel and kannel-extras: bearerbox, smsbox, "
                 "fakesmsc); `make kannel` installs them as root")


def kannel_binaries() -> dict[str, str] | None:
    found = {"bearerbox": shutil.which("bearerbox") or shutil.which("/usr/sbin/bearerbox"),
             "smsbox": shutil.which("smsbox") or shutil.which("/usr/sbin/smsbox"),
             "fakesmsc": next((p for p in map(shutil.which, FAKESMSC_PATHS) if p), None)}
    return found if all(found.values()) else None


CONF = """\
group = core
admin-port = {admin}
admin-password = {admin_password}
admin-interface = 127.0.0.1
smsbox-port = {smsbox}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-level = 1
log-file = "{folder}/bearerbox.log"
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {smsc}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox}
sendsms-port = {sendsms}
sendsms-interface = 127.0.0.1
log-level = 1
log-file = "{folder}/smsbox.log"
http-request-retry = 3
http-queue-delay = 1

group = sendsms-user
username = {user}
password = {password}
concatenation = true
max-messages = 3

group = sms-service
keyword = default
catch-all = true
get-url = "http://127.0.0.1:{app}/sms/kannel?key={key}&from=%p&to=%P&text=%b&coding=%c&charset=%C&id=%I"
omit-empty = true
max-messages = 1
"""


@dataclass(frozen=True)
class SentSms:
    sender: str
    receiver: str
    kind: str  # fakesmsc's: "text" (GSM-7, shown as text), "ucs-2", "udh" (one part of several)
    octets: bytes


def _octets(encoded: str) -> bytes:
    return unquote_to_bytes(encoded.replace("+", "%20"))


class SwappableApp:
    """One WSGI server for the module; each test serves its own app through it."""

    def __init__(self):
        self.app = None

    def __call__(self, environ, start_response):
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Length", "0")])
            return [b""]
        return self.app(environ, start_response)


@dataclass
class RunningKannel:
    folder: Path
    app_port: int
    sendsms_url: str
    admin_url: str
    fakesmsc: subprocess.Popen
    processes: list[subprocess.Popen]
    wsgi: SwappableApp
    server: object
    sent: queue.Queue = field(default_factory=queue.Queue)

    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.app_port}"

    def serve(self, app) -> None:
        self.wsgi.app = app

    def inject(self, line: str) -> None:
        """One message from a phone, in fakesmsc's "sender receiver type text" form. fakesmsc
        takes a longer line only when the next one comes: keep each under LINE_LIMIT."""
        assert len(line.encode("utf-8")) <= LINE_LIMIT, f"fakesmsc line too long: {len(line)}"
        self.fakesmsc.stdin.write((line + "\n").encode("utf-8"))
        self.fakesmsc.stdin.flush()

    def wait_for_sent(self, timeout: float = 20.0) -> SentSms:
        """The next message Kannel handed to the fake SMSC, its concatenated parts put together."""
        parts: dict[int, bytes] = {}
        while True:
            sender, receiver, kind, data = self.sent.get(timeout=timeout).split(" ", 3)
            if kind != "udh":
                return SentSms(sender, receiver, kind, data.encode() if kind == "text" else _octets(data))
            udh, _kind, payload = data.split(" ", 2)  # "udh <UDH> data <octets>", both URL-encoded
            header = _octets(udh)  # 05 00 03 <reference> <parts> <this part>
            parts[header[5]] = _octets(payload)
            if len(parts) == header[4]:
                return SentSms(sender, receiver, "udh", b"".join(parts[n] for n in sorted(parts)))

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in reversed(self.processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.server.shutdown()

    def logs(self) -> str:
        return "\n".join((self.folder / name).read_text(errors="replace")[-3000:]
                         for name in ("bearerbox.log", "smsbox.log") if (self.folder / name).exists())


def _until(check, what: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"Kannel did not come up: {what}")


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _read_sent(stream, sink: queue.Queue) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace")
        if "Got message" in line and "<" in line:
            sink.put(line[line.index("<") + 1:line.rindex(">")])


def start_kannel(folder: Path, binaries: dict[str, str]) -> RunningKannel:
    ports = {name: free_port() for name in ("admin", "smsbox", "smsc", "sendsms", "app")}
    admin_password = "admin-pw"
    conf = folder / "kannel.conf"
    conf.write_text(CONF.format(**ports, folder=folder, admin_password=admin_password, key=KEY, user=USER,
                                password=PASSWORD))
    wsgi = SwappableApp()
    server = make_server("127.0.0.1", ports["app"], wsgi, threaded=True)
    threading.Thread(target=server.serve_forever, name="kannel-app", daemon=True).start()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [subprocess.Popen([binaries["bearerbox"], str(conf)], **quiet)]
    deadline = time.monotonic() + START_DEADLINE
    admin_url = f"http://127.0.0.1:{ports['admin']}"
    running = None
    try:
        _until(lambda: _listening(ports["smsc"]) and _listening(ports["smsbox"]), "bearerbox's ports",
               deadline)
        fakesmsc = subprocess.Popen([binaries["fakesmsc"], "-H", "127.0.0.1", "-r", str(ports["smsc"]), "-m",
                                     "-1"],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        processes.append(fakesmsc)
        processes.append(subprocess.Popen([binaries["smsbox"], str(conf)], **quiet))
        running = RunningKannel(folder, ports["app"], f"http://127.0.0.1:{ports['sendsms']}/cgi-bin/sendsms",
                                admin_url, fakesmsc, processes, wsgi, server)
        threading.Thread(target=_read_sent, args=(fakesmsc.stdout, running.sent), daemon=True).start()

        def online() -> bool:
            try:
                status = requests.get(f"{admin_url}/status.txt", params={"password": admin_password},
                                      timeout=2).text
            except requests.RequestException:
                return False
            return "smsbox:" in status and "(online" in status and _listening(ports["sendsms"])

        _until(online, "the fake SMSC online and smsbox connected", deadline)
        return running
    except Exception:
        for process in processes:
            process.kill()
        server.shutdown()
        raise
