"""A generic recording HTTP server for tests.

    with StandIn() as api:                      # 127.0.0.1, a free port, in a thread
        api.route("POST", r"/bot[^/]+/sendMessage", Canned(200, {"ok": True}))
        api.route("POST", "/x", lambda request: Canned(500, "boom"))   # or a callable
        ... point the code under test at api.url ...
        api.wait_for(lambda requests: len(requests) >= 3)
        assert api.requests[0].form["To"] == "+84912345678"

Paths are matched with `re.fullmatch` (plain paths match themselves); the first matching route
wins; unmatched requests get 404 and are still recorded. `delay` (seconds) slows every answer,
like a provider under load.
"""
from __future__ import annotations

import contextlib

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Canned:
    """An answer: a dict or list body is sent as JSON, a str or bytes as it is."""

    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode(), "application/json"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return bytes(self.body), "application/octet-stream"


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        """application/x-www-form-urlencoded fields (the last value of each)."""
        parsed = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {key: values[-1] for key, values in parsed.items()}

    @property
    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((value for key, value in self.headers.items() if key.lower() == lowered), None)


Responder = Canned | Callable[[RecordedRequest], Canned]


class StandIn:
    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.requests: list[RecordedRequest] = []
        self._routes: list[tuple[str, re.Pattern, Responder]] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- configuration -------------------------------------------------------------------------
    def route(self, method: str, path: str, responder: Responder) -> StandIn:
        with self._lock:
            self._routes.insert(0, (method.upper(), re.compile(path), responder))
        return self

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> StandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body leave at once: no 40 ms delayed-ACK stall

            def _handle(self) -> None:
                standin._answer(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- inspection ----------------------------------------------------------------------------
    def requests_to(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        pattern = re.compile(path)
        with self._lock:
            return [
                r
                for r in self.requests
                if pattern.fullmatch(r.path) and (method is None or r.method == method.upper())
            ]

    def wait_for(self, predicate: Callable[[list[RecordedRequest]], bool], timeout: float = 30.0) -> bool:
        """Block until `predicate(requests)` holds (True) or the timeout passes (False)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(list(self.requests)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True

    # -- serving -------------------------------------------------------------------------------
    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if not _complete(handler, length, body):
            # A client killed mid-request (a worker under SIGKILL) leaves its headers or body cut
            # short; a real provider answers that with 400 and never takes it for a message.
            with contextlib.suppress(OSError):
                handler.send_error(400, "incomplete request")
            return
        split = urlsplit(handler.path)
        request = RecordedRequest(handler.command, split.path, parse_qs(split.query, keep_blank_values=True),
                                  dict(handler.headers.items()), body)
        with self._changed:
            self.requests.append(request)
            routes = list(self._routes)
            self._changed.notify_all()
        if self.delay:
            time.sleep(self.delay)
        responder = next((r for m, p, r in routes if m == request.method and p.fullmatch(request.path)), None)
        try:
            canned = Canned(404, {"error": "no route"}) if responder is None else (
                responder(request) if callable(responder) else responder)
        except Exception as error:  # noqa: BLE001 - a broken responder answers 500, visibly
            canned = Canned(500, {"error": repr(error)})
        payload, content_type = canned.encoded()
        handler.send_response(canned.status)
        headers = {"Content-Type": content_type, **canned.headers, "Content-Length": str(len(payload))}
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)


def _complete(handler: BaseHTTPRequestHandler, length: int, body: bytes) -> bool:
    """Did the whole request arrive? A request with a body must say how long it is, and be that long."""
    if handler.command in ("POST", "PUT", "PATCH") and handler.headers.get("Content-Length") is None:
        return False
    return len(body) == length
