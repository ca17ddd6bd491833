"""Zalo's ZNS endpoint as a stand-in: POST /message/template answers as Zalo does, in the body
with HTTP 200 ({"error": 0, "data": {"msg_id", "sent_time", "quota"}} or {"error": -118, …}).

It shares the OA access token of a `tests.standins_bot.ZaloApi` (ZNS takes the OA's token): any
other token gets -124. A phone can be told to answer one error code, a 5xx, or slowly:

    zns = ZnsApi(zalo_api).mount(standin)
    zns.answer("84912000001", -118, "Zalo account not existed")
    zns.answer_http("84912000002", 502)
    zns.answer_slowly("84912000003", seconds=2.0)
"""
from __future__ import annotations

import itertools
import threading
import time

from tests.standins.server import Canned, RecordedRequest, StandIn
from tests.standins_bot import ZaloApi

PATH = "/message/template"


class ZnsApi:
    def __init__(self, zalo_api: ZaloApi):
        self.zalo_api = zalo_api
        self.accepted: list[dict] = []  # bodies of the messages Zalo took
        self._errors: dict[str, tuple[int, str]] = {}
        self._http: dict[str, int] = {}
        self._slow: dict[str, float] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.standin: StandIn | None = None

    def mount(self, standin: StandIn) -> ZnsApi:
        self.standin = standin
        standin.route("POST", PATH, self)
        return self

    def answer(self, phone: str, code: int, message: str) -> None:
        self._errors[phone] = (code, message)

    def answer_http(self, phone: str, status: int) -> None:
        self._http[phone] = status

    def answer_slowly(self, phone: str, seconds: float) -> None:
        self._slow[phone] = seconds

    def recover(self, phone: str) -> None:
        """The phone's next message is accepted."""
        self._errors.pop(phone, None)
        self._http.pop(phone, None)
        self._slow.pop(phone, None)

    def __call__(self, request: RecordedRequest) -> Canned:
        body = request.json or {}
        phone = str(body.get("phone", ""))
        if phone in self._slow:
            time.sleep(self._slow[phone])
        if phone in self._http:
            return Canned(self._http[phone], "<html>Bad Gateway</html>")
        if request.header("access_token") != self.zalo_api.valid_access:
            return Canned(200, {"error": -124, "message": "Access token is invalid"})
        if not body.get("template_id") or not isinstance(body.get("template_data"), dict):
            return Canned(200, {"error": -111, "message": "Template data empty"})
        if phone in self._errors:
            code, message = self._errors[phone]
            return Canned(200, {"error": code, "message": message})
        with self._lock:
            self.accepted.append(body)
            msg_id = f"zns{next(self._ids):08d}"
        return Canned(200, {"error": 0, "message": "Success",
                            "data": {"msg_id": msg_id, "sent_time": str(int(time.time() * 1000)),
                                     "quota": {"dailyQuota": "500", "remainingQuota": "499"}}})

    def attempts(self) -> list[dict]:
        assert self.standin is not None
        return [r.json for r in self.standin.requests_to(PATH)]
