"""A small SMSC on 127.0.0.1 that speaks SMPP 3.4 with smpplib's own PDU classes, for tests.

    with StandInSmsc(system_id="ansinh", password="secret") as smsc:   # a free port, in a thread
        ... start the ESME against smsc.port ...
        smsc.wait_bound()
        smsc.deliver(source_addr="84978451203", destination_addr="*123#", short_message=b"*123#",
                     ussd_service_op=1, its_session_info=0x0700)
        [reply] = smsc.wait_for_submits(1)

It answers bind_transceiver (refusing wrong credentials with ESME_RINVPASWD), enquire_link, unbind
and submit_sm (recorded, with a message id "smsc-N"); it sends deliver_sm and remembers each until
its deliver_sm_resp comes with ESME_ROK: what is still unacknowledged when a link drops (or was
answered with an error) is delivered again on the next bind, as a carrier's SMSC does.
`throttle(n)` answers the next n submit_sm with ESME_RTHROTTLED, `nack_next_submit(status)` the
next one with generic_nack; `muted` answers nothing but binds (a hung link); `hold_next_submit()` leaves the
next one unanswered (its PDU recorded as `held`), so a test can drop the link with it in flight.
"""
from __future__ import annotations

import socket
import struct
import threading
import time
from typing import Self

from smpplib import consts, smpp
from smpplib.client import SimpleSequenceGenerator

from ussd import smpp_tlvs  # noqa: F401 - deliver_sm carries the USSD TLVs

WAIT = 30.0


class StandInSmsc:
    def __init__(self, system_id: str = "ansinh", password: str = "secret"):
        self.system_id, self.password = system_id, password
        self.sequences = SimpleSequenceGenerator()
        self.submits: list = []  # submit_sm PDUs received (and answered)
        self.held: list = []
        self.binds: list[dict] = []
        self.unbinds = 0
        self.refused = 0  # binds refused for wrong credentials
        self.nacks: list = []  # generic_nack received from the ESME
        self._nack: int | None = None
        self.muted = False  # reads everything, answers nothing: a hung SMSC
        self._throttle = 0
        self._hold = False
        self._pending: dict[int, tuple] = {}  # deliver_sm sequence -> (link, PDU), until its deliver_sm_resp
        self._redeliver: list = []
        self._conn: socket.socket | None = None
        self._changed = threading.Condition()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._stopping = False
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopping = True
        self._server.close()
        self.drop()

    # -- what a test does -------------------------------------------------------------------------
    def deliver(self, **fields) -> None:
        """Send one deliver_sm to the bound ESME (or on the next bind, if none is bound now)."""
        pdu = smpp.make_pdu("deliver_sm", client=self.sequences, **fields)
        with self._changed:
            if self._conn is None:
                self._redeliver.append(pdu)
                return
            self._send_deliver(pdu)

    def send_request(self, command: str, **fields) -> None:
        """Send any other request PDU (data_sm…) to the bound ESME; its answer is not waited for."""
        pdu = smpp.make_pdu(command, client=self.sequences, **fields)
        with self._changed:
            self._conn.sendall(pdu.generate())

    def drop(self) -> None:
        """Close the link without unbind, as a network fault does."""
        with self._changed:
            conn, self._conn = self._conn, None
            self._changed.notify_all()
        if conn is not None:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()

    def throttle(self, count: int) -> None:
        self._throttle = count

    def nack_next_submit(self, status: int) -> None:
        """Answer the next submit_sm with generic_nack (as to a PDU the SMSC could not read)."""
        self._nack = status

    def hold_next_submit(self) -> None:
        self._hold = True

    def wait_bound(self, binds: int = 1, timeout: float = WAIT) -> None:
        self._wait(lambda: len(self.binds) >= binds and self._conn is not None, timeout, f"{binds} bind(s)")

    def wait_for_submits(self, count: int, timeout: float = WAIT) -> list:
        self._wait(lambda: len(self.submits) >= count, timeout, f"{count} submit_sm")
        return self.submits[:count]

    def refused_deliveries(self) -> int:
        """deliver_sm answered with an error, waiting for the next bind."""
        with self._changed:
            return len(self._redeliver)

    def wait_acknowledged(self, timeout: float = WAIT) -> None:
        self._wait(lambda: not self._pending and not self._redeliver, timeout,
                   "every deliver_sm acknowledged")

    def wait_for(self, condition, timeout: float = WAIT, what: str = "a condition") -> None:
        self._wait(condition, timeout, what)

    def _wait(self, condition, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"the stand-in SMSC waited {timeout:.0f} s for {what}")
                self._changed.wait(min(left, 0.2))

    # -- the SMSC -----------------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stopping:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            while True:
                pdu = self._read(conn)
                if pdu is None or not self._answer(conn, pdu):
                    break
        except OSError:
            pass
        with self._changed:
            if self._conn is conn:
                self._conn = None
            lost = [pdu for sequence, (link, pdu) in sorted(self._pending.items()) if link is conn]
            for pdu in lost:
                del self._pending[pdu.sequence]
            if self._conn is not None:  # already bound again: deliver them there now
                for pdu in lost:
                    pdu.sequence = self.sequences.next_sequence()
                    self._send_deliver(pdu)
            else:
                self._redeliver[:0] = lost  # unacknowledged: delivered again on the next bind
            self._changed.notify_all()
        conn.close()

    def _answer(self, conn: socket.socket, pdu) -> bool:
        command = pdu.command
        if self.muted and command != "bind_transceiver":
            return True
        if command == "bind_transceiver":
            return self._bind(conn, pdu)
        if command == "enquire_link":
            self._respond(conn, "enquire_link_resp", pdu.sequence)
        elif command == "unbind":
            self.unbinds += 1
            self._respond(conn, "unbind_resp", pdu.sequence)
            return False
        elif command == "submit_sm":
            self._submitted(conn, pdu)
        elif command == "generic_nack":
            with self._changed:
                self.nacks.append(pdu)
                self._changed.notify_all()
        elif command == "deliver_sm_resp":
            with self._changed:
                _link, delivered = self._pending.pop(pdu.sequence, (None, None))
                if delivered is not None and pdu.status != consts.SMPP_ESME_ROK:
                    self._redeliver.append(delivered)
                self._changed.notify_all()
        return True

    def _bind(self, conn: socket.socket, pdu) -> bool:
        given = (pdu.system_id or b"").decode(), (pdu.password or b"").decode()
        if given != (self.system_id, self.password):
            with self._changed:
                self.refused += 1
                self._changed.notify_all()
            self._respond(conn, "bind_transceiver_resp", pdu.sequence, consts.SMPP_ESME_RINVPASWD)
            return False
        self._respond(conn, "bind_transceiver_resp", pdu.sequence, system_id="standin")
        with self._changed:
            self._conn = conn
            self.binds.append({"system_id": given[0], "system_type": (pdu.system_type or b"").decode()})
            waiting, self._redeliver = self._redeliver, []
            for delivered in waiting:
                delivered.sequence = self.sequences.next_sequence()
                self._send_deliver(delivered)
            self._changed.notify_all()
        return True

    def _submitted(self, conn: socket.socket, pdu) -> None:
        with self._changed:
            if self._hold:
                self._hold = False
                self.held.append(pdu)
                self._changed.notify_all()
                return
            if self._nack is not None:
                status, self._nack = self._nack, None
                self._respond(conn, "generic_nack", pdu.sequence, status)
                return
            if self._throttle > 0:
                self._throttle -= 1
                self._respond(conn, "submit_sm_resp", pdu.sequence, consts.SMPP_ESME_RTHROTTLED)
                return
            self.submits.append(pdu)
            self._respond(conn, "submit_sm_resp", pdu.sequence, message_id=f"smsc-{len(self.submits)}")
            self._changed.notify_all()

    def _send_deliver(self, pdu) -> None:
        """Under the lock, with a link: send it and wait for its deliver_sm_resp."""
        self._pending[pdu.sequence] = (self._conn, pdu)
        try:
            self._conn.sendall(pdu.generate())
        except OSError:
            pass  # the reader thread sees the closed link and keeps it for the next bind

    def _respond(self, conn: socket.socket, command: str, sequence: int, status: int = 0, **fields) -> None:
        response = smpp.make_pdu(command, client=self.sequences, status=status, **fields)
        response.sequence = sequence
        conn.sendall(response.generate())

    def _read(self, conn: socket.socket):
        header = _exactly(conn, 4)
        if header is None:
            return None
        (length,) = struct.unpack(">L", header)
        body = _exactly(conn, length - 4)
        if body is None:
            return None
        return smpp.parse_pdu(header + body, client=self.sequences, allow_unknown_opt_params=True)


def _exactly(conn: socket.socket, size: int) -> bytes | None:
    chunks, received = [], 0
    while received < size:
        chunk = conn.recv(size - received)
        if not chunk:
            return None
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)
