"""What the USSD, SMS and simulator routes share: the Runtime's parts (ansinh.runtime composes them,
on first use, so a database that is down only shows when asked) and the outage pause."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import current_app

from core.parts import RuntimeParts

if TYPE_CHECKING:
    from core.conversation.dialog import Dialog
    from core.storage.dedupe import Dedupe

logger = logging.getLogger(__name__)
EXTENSION = "ansinh.ussd"


class ChannelServices:
    def __init__(self, runtime: RuntimeParts):
        self.runtime = runtime
        self.database_down_until = 0.0  # time.monotonic(): answer at once while the database is known down

    @property
    def settings(self):
        return self.runtime.settings

    @property
    def dialog(self) -> Dialog:
        return self.runtime.dialog

    @property
    def dedupe(self) -> Dedupe:
        return self.runtime.dedupe


def services() -> ChannelServices:
    return current_app.extensions[EXTENSION]
