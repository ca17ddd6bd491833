"""The one place that assembles AnSinh's parts from Settings: engine, sessions, clock, stores,
the dialog. The web app, the CLI and the workers all start from a Runtime."""
from __future__ import annotations

import logging
from functools import cached_property

from core.clock import Clock
from core.db import make_engine, make_session_factory
from core.settings import Settings

logger = logging.getLogger(__name__)


class Runtime:
    def __init__(self, settings: Settings, clock: Clock | None = None):
        self.settings = settings
        self.clock = clock or Clock(settings.timezone)

    @cached_property
    def engine(self):
        return make_engine(self.settings.database_url)

    @cached_property
    def sessions(self):
        return make_session_factory(self.engine)

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
