"""The core services the USSD, SMS and simulator routes share, built once per app on first use
(nothing is built at import or create_app time, so a database that is down only shows when asked).
"""
from __future__ import annotations

import logging
from functools import cached_property

from flask import current_app

logger = logging.getLogger(__name__)
EXTENSION = "ansinh.ussd"


class ChannelServices:
    def __init__(self, runtime):
        self.runtime = runtime
        self.database_down_until = 0.0  # time.monotonic(): answer at once while the database is known down

    @property
    def settings(self):
        return self.runtime.settings

    @cached_property
    def dialog(self):
        existing = getattr(self.runtime, "dialog", None)  # the Runtime's, when it has one
        if existing is not None:
            return existing
        from core.conversation.dialog import Dialog

        rt = self.runtime
        return Dialog(rt.sessions, rt.clock, rt.settings, rt.state, dedupe=self.dedupe)

    @cached_property
    def dedupe(self):
        existing = getattr(self.runtime, "dedupe", None)  # the Runtime's, shared with the SMS spool's drain
        if existing is not None:
            return existing
        from core.storage.dedupe import make_dedupe

        rt = self.runtime
        return make_dedupe(rt.settings, rt.sessions, rt.clock)


def services() -> ChannelServices:
    return current_app.extensions[EXTENSION]
