"""One SMPP 3.4 bind to the carrier's SMSC as a transceiver, kept alive (smpplib's Client and PDUs).

Wire protocol (SMPP 3.4, TCP): the ESME sends bind_transceiver (system_id, password of at most 8
characters, system_type) and waits for bind_transceiver_resp; then both sides send requests and
answer each with a response carrying the same sequence_number. The SMSC sends deliver_sm (a USSD
step, an SMS or a delivery receipt), answered with deliver_sm_resp: ESME_ROK once its effect is
stored, ESME_RX_T_APPN (temporary application error) to have the SMSC deliver it again later.
The ESME sends submit_sm, answered with submit_sm_resp and the SMSC's message_id, or an error:
ESME_RTHROTTLED (over the allowed rate) and ESME_RMSGQFUL (queue full) mean "again later". A PDU
the other side cannot read is answered with generic_nack. enquire_link/enquire_link_resp test an
idle link; unbind/unbind_resp end it.

What this module adds to smpplib's synchronous Client: a reader thread; a sender thread that keeps
at most `window` submit_sm unacknowledged and at most `max_tps` per second; reconnection with
exponential backoff when the link drops, after which every submit_sm still unacknowledged is sent
again; deliver_sm handled on a small thread pool and acknowledged only if the bind it came on is
still up (otherwise the SMSC delivers it again on the next one). `stop()` unbinds.
"""
from __future__ import annotations

import logging
import socket
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from smpplib import client as smpp_client
from smpplib import consts, exceptions, smpp

from ussd import smpp_tlvs  # noqa: F401 - registers the USSD TLVs before any PDU is parsed

logger = logging.getLogger(__name__)
CLIENT_LOGGER = "ussd.smpp_link.client"
# smpplib logs every PDU in hex at DEBUG, the bind's password and callers' messages included: never.
logging.getLogger(CLIENT_LOGGER).addFilter(lambda record: record.levelno > logging.DEBUG)
RETRY_LATER = frozenset({consts.SMPP_ESME_RTHROTTLED, consts.SMPP_ESME_RMSGQFUL})
UNBIND_WAIT = 5.0


@dataclass
class LinkConfig:
    host: str
    port: int
    system_id: str
    password: str
    system_type: str = ""
    max_tps: float = 10.0  # 0: no limit
    window: int = 10
    enquire_interval: float = 30.0
    backoff_min: float = 1.0
    backoff_max: float = 60.0
    handler_threads: int = 4
    throttle_pause: float = 1.0  # seconds before a throttled submit_sm goes again, doubling, at most 30


@dataclass
class Submission:
    """One submit_sm to send until the SMSC accepts or refuses it; `result` gets (status, message_id)."""

    fields: dict
    urgent: bool = False
    result: Future = field(default_factory=Future)
    throttled: int = 0
    not_before: float = 0.0


class SubmitRefused(Exception):
    def __init__(self, status: int):
        super().__init__(consts.DESCRIPTIONS.get(status, f"status 0x{status:x}"))
        self.status = status


class SmppLink:
    def __init__(self, config: LinkConfig, on_deliver):
        """`on_deliver(pdu) -> int`: handle one deliver_sm; its return is the deliver_sm_resp status."""
        self.config = config
        self.on_deliver = on_deliver
        self.stopping = threading.Event()
        self.bound = threading.Event()
        self.binds = 0  # how many times a bind succeeded (tests wait for a rebind)
        self._lock = threading.Condition()
        self._queue: deque[Submission] = deque()
        self._unacked: dict[int, Submission] = {}
        self._client: smpp_client.Client | None = None
        self._send_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(config.handler_threads, thread_name_prefix="smpp-deliver")
        self._threads: list[threading.Thread] = []
        self._enquiring = False
        self._unbound = threading.Event()

    # -- public ---------------------------------------------------------------------------------
    def start(self) -> None:
        for target, name in ((self._connection_loop, "smpp-link"), (self._sender_loop, "smpp-send")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def submit(self, urgent: bool = False, **fields) -> Future:
        """Queue one submit_sm; USSD replies (`urgent`) go before waiting SMS."""
        item = Submission(fields, urgent)
        with self._lock:
            (self._queue.appendleft if urgent else self._queue.append)(item)
            self._lock.notify_all()
        return item.result

    def stop(self, flush: float = 5.0) -> None:
        """Send what is queued (for up to `flush` seconds), unbind, close."""
        deadline = time.monotonic() + flush
        self._pool.shutdown(wait=True)  # answers being computed are queued and acknowledged first
        with self._lock:
            while (self._queue or self._unacked) and self.bound.is_set() and time.monotonic() < deadline:
                self._lock.wait(0.1)
        self.stopping.set()
        client = self._client
        if client is not None and self.bound.is_set():
            try:
                self._send(client, smpp.make_pdu("unbind", client=client))
                self._unbound.wait(UNBIND_WAIT)
            except exceptions.ConnectionError:
                pass
        self._close(client)
        with self._lock:
            self._lock.notify_all()
        for thread in self._threads:
            thread.join(UNBIND_WAIT)

    # -- connection -----------------------------------------------------------------------------
    def _connection_loop(self) -> None:
        delay = self.config.backoff_min
        while not self.stopping.is_set():
            try:
                client = self._bind()
            except (exceptions.ConnectionError, exceptions.PDUError, OSError) as error:
                logger.warning("SMPP bind to %s:%s failed (%s); again in %.1f s", self.config.host,
                               self.config.port, error, delay)
                self.stopping.wait(delay)
                delay = min(self.config.backoff_max, delay * 2)
                continue
            delay = self.config.backoff_min
            self._read(client)
            self._link_lost(client)
            if not self.stopping.is_set():
                logger.warning("SMPP link lost; reconnecting")

    def _bind(self) -> smpp_client.Client:
        config = self.config
        client = smpp_client.Client(config.host, config.port, timeout=config.enquire_interval,
                                    allow_unknown_opt_params=True, logger_name=CLIENT_LOGGER)
        try:
            client.connect()
            # Small PDUs written back to back (a deliver_sm_resp, then the reply's submit_sm):
            # without this, Nagle's algorithm holds the second until the first is acknowledged.
            client._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            client.bind_transceiver(system_id=config.system_id, password=config.password,
                                    system_type=config.system_type)
        except Exception:
            self._close(client)
            raise
        self._unbound = threading.Event()
        self._enquiring = False
        with self._lock:
            self._client = client
            self.binds += 1
            self.bound.set()
            self._lock.notify_all()
        logger.info("SMPP bound to %s:%s as %s", config.host, config.port, config.system_id)
        return client

    def _link_lost(self, client: smpp_client.Client) -> None:
        """Unacknowledged submit_sm go back to the front of the queue, for the next bind."""
        self._close(client)
        with self._lock:
            self.bound.clear()
            if self._client is client:
                self._client = None
            waiting = sorted(self._unacked.items(), key=lambda pair: (not pair[1].urgent, pair[0]))
            for _sequence, item in reversed(waiting):
                self._queue.appendleft(item)
            self._unacked.clear()
            self._lock.notify_all()

    @staticmethod
    def _close(client: smpp_client.Client | None) -> None:
        if client is not None and client._socket is not None:
            try:
                client._socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            client.state = consts.SMPP_CLIENT_STATE_OPEN  # closing on purpose: no "still bound" warning
            client.disconnect()

    def _send(self, client: smpp_client.Client, pdu) -> None:
        with self._send_lock:
            client.send_pdu(pdu)

    # -- reading --------------------------------------------------------------------------------
    def _read(self, client: smpp_client.Client) -> None:
        while not self.stopping.is_set() or self.bound.is_set():
            try:
                pdu = client.read_pdu()
            except TimeoutError:
                if self._enquiring:  # no answer to the last enquire_link: the link is dead
                    return
                self._enquiring = True
                try:
                    with self._send_lock:
                        client.send_pdu(smpp.make_pdu("enquire_link", client=client))
                except exceptions.ConnectionError:
                    return
                continue
            except (exceptions.ConnectionError, exceptions.PDUError, OSError, AttributeError):
                return  # AttributeError: the socket was closed under us (stop)
            except Exception:  # a PDU smpplib cannot parse: say so, keep the link
                logger.exception("SMPP: unreadable PDU")
                self._nack(client, consts.SMPP_ESME_RINVCMDID)
                continue
            self._enquiring = False
            if not self._dispatch(client, pdu):
                return

    def _dispatch(self, client: smpp_client.Client, pdu) -> bool:
        """Act on one PDU; False when the link is to be closed."""
        command = pdu.command
        if command == "deliver_sm":
            try:
                self._pool.submit(self._deliver, client, pdu)
            except RuntimeError:  # stopping: not acknowledged, so the SMSC delivers it again
                logger.info("SMPP deliver_sm %s left for the next bind (stopping)", pdu.sequence)
        elif command == "submit_sm_resp":
            self._acknowledged(pdu.sequence, pdu.status, pdu.message_id)
        elif command == "generic_nack":
            logger.warning("SMPP generic_nack for sequence %s: %s", pdu.sequence, pdu.get_status_desc())
            self._acknowledged(pdu.sequence, pdu.status or consts.SMPP_ESME_RUNKNOWNERR, None)
        elif command == "enquire_link":
            self._respond(client, "enquire_link_resp", pdu.sequence)
        elif command == "unbind":
            self._respond(client, "unbind_resp", pdu.sequence)
            return False
        elif command == "unbind_resp":
            self._unbound.set()
            return False
        elif pdu.is_request() and command != "alert_notification":  # e.g. data_sm: the SMSC must not wait
            logger.info("SMPP %s refused (not supported)", command)
            self._respond(client, "generic_nack", pdu.sequence, consts.SMPP_ESME_RINVCMDID)
        elif command != "enquire_link_resp":
            logger.info("SMPP %s ignored", command)
        return True

    def _respond(self, client: smpp_client.Client, command: str, sequence: int, status: int = 0) -> None:
        response = smpp.make_pdu(command, client=client, status=status)
        response.sequence = sequence
        try:
            self._send(client, response)
        except exceptions.ConnectionError:
            logger.info("SMPP %s %s not sent: the link is down", command, sequence)

    def _nack(self, client: smpp_client.Client, status: int) -> None:
        self._respond(client, "generic_nack", 0, status)

    def _deliver(self, client: smpp_client.Client, pdu) -> None:
        try:
            status = self.on_deliver(pdu)
        except Exception:  # not acknowledged as done: the SMSC delivers it again later
            logger.exception("SMPP deliver_sm %s failed", pdu.sequence)
            status = consts.SMPP_ESME_RX_T_APPN
        if self._client is not client:  # that bind is gone: the SMSC delivers it again on the next
            logger.info("SMPP deliver_sm %s handled after its bind was lost; not acknowledged", pdu.sequence)
            return
        self._respond(client, "deliver_sm_resp", pdu.sequence, status)

    def _acknowledged(self, sequence: int, status: int, message_id) -> None:
        with self._lock:
            item = self._unacked.pop(sequence, None)
            self._lock.notify_all()
            if item is None:
                return
            if status in RETRY_LATER:
                item.throttled += 1
                pause = min(30.0, self.config.throttle_pause * 2 ** (item.throttled - 1))
                item.not_before = time.monotonic() + pause
                (self._queue.appendleft if item.urgent else self._queue.append)(item)
                logger.info("SMPP submit_sm throttled (%s); sent again in %.1f s",
                            consts.DESCRIPTIONS.get(status), pause)
                return
        if item.result.done():  # its sender gave up waiting (and cancelled it)
            return
        if status == consts.SMPP_ESME_ROK:
            text = message_id.decode("ascii", "replace") if isinstance(message_id, bytes) else message_id
            item.result.set_result(text or "")
        else:
            item.result.set_exception(SubmitRefused(status))

    # -- sending --------------------------------------------------------------------------------
    def _sender_loop(self) -> None:
        next_slot = 0.0
        while not self.stopping.is_set():
            with self._lock:
                item, client = self._next_ready()
                if item is None:
                    continue
            now = time.monotonic()
            if self.config.max_tps > 0 and now < next_slot:
                self.stopping.wait(next_slot - now)
            next_slot = max(now, next_slot) + (1.0 / self.config.max_tps if self.config.max_tps > 0 else 0.0)
            self._send_submission(client, item)

    def _send_submission(self, client: smpp_client.Client, item: Submission) -> None:
        """Registered as unacknowledged before it is written, so its response always finds it."""
        with self._send_lock:
            try:
                pdu = smpp.make_pdu("submit_sm", client=client, **item.fields)
                pdu.generate()  # a field that does not fit fails here, not on the wire
            except Exception as error:  # noqa: BLE001 - a submit_sm that cannot be built: refuse it
                item.result.set_exception(error)
                return
            with self._lock:
                self._unacked[pdu.sequence] = item
            try:
                client.send_pdu(pdu)
            except (exceptions.ConnectionError, exceptions.PDUError, OSError, AttributeError):
                self._close(client)  # the reader sees the closed link; the item goes again

    def _next_ready(self) -> tuple[Submission | None, smpp_client.Client | None]:
        """Under the lock: the first queued submission that may go now, or wait a little."""
        client = self._client
        if client is None or not self.bound.is_set() or len(self._unacked) >= self.config.window:
            self._lock.wait(0.5)
            return None, None
        now = time.monotonic()
        for index, item in enumerate(self._queue):
            if item.result.cancelled():
                del self._queue[index]
                return None, None
            if item.not_before <= now:
                del self._queue[index]
                return item, client
        self._lock.wait(0.2 if self._queue else 0.5)
        return None, None
