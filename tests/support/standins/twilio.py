"""Twilio's Messages API as a stand-in: POST /2010-04-01/Accounts/{sid}/Messages.json answers
201 with a JSON message carrying a fresh "sid", like the real API does.

Real Twilio does not dedupe; this stand-in can (`dedupe=True`): a repeated idempotency key (the
`ik` query parameter of the StatusCallback URL that TwilioSender sets) gets the first sid back, the
way a provider that honours idempotency keys behaves.
"""
from __future__ import annotations

import itertools
import threading
from urllib.parse import parse_qs, urlsplit

from tests.support.standins.server import Canned, RecordedRequest, StandIn

MESSAGES_PATH = r"/2010-04-01/Accounts/[^/]+/Messages\.json"


def idempotency_key(request: RecordedRequest) -> str | None:
    callback = request.form.get("StatusCallback") or ""
    return (parse_qs(urlsplit(callback).query).get("ik") or [None])[0]


class TwilioMessages:
    def __init__(self, dedupe: bool = False):
        self.dedupe = dedupe
        self.sids: dict[str, str] = {}  # idempotency key -> sid
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def __call__(self, request: RecordedRequest) -> Canned:
        form = request.form
        key = idempotency_key(request)
        with self._lock:
            if self.dedupe and key in self.sids:
                sid = self.sids[key]
            else:
                sid = f"SM{next(self._counter):032x}"
                if key:
                    self.sids.setdefault(key, sid)
        account = request.path.split("/")[3]
        return Canned(201, {
            "sid": sid, "account_sid": account, "to": form.get("To"), "from": form.get("From"),
            "body": form.get("Body"), "status": "queued", "num_segments": "1", "direction": "outbound-api",
            "api_version": "2010-04-01", "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
        })


def twilio_standin(delay: float = 0.0, dedupe: bool = False) -> tuple[StandIn, TwilioMessages]:
    """A started stand-in with the Messages route; stop() it when done."""
    messages = TwilioMessages(dedupe=dedupe)
    standin = StandIn(delay=delay).start()
    standin.route("POST", MESSAGES_PATH, messages)
    return standin, messages
