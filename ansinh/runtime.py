"""The one place that assembles AnSinh's parts from Settings: engine, sessions, clock, stores,
senders, the dialog. The web app, the CLI and the workers all start from a Runtime."""
from __future__ import annotations

import logging
from functools import cached_property

from core.clock import Clock
from core.storage.db import make_engine, make_session_factory
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

    @cached_property
    def state(self):
        from core.storage.state import make_state_store

        return make_state_store(self.settings, self.sessions, self.clock)

    @cached_property
    def dialog(self):
        """The conversation (core.conversation.dialog): one inbound message in, the replies out."""
        from core.conversation.dialog import Dialog

        return Dialog(self.sessions, self.clock, self.settings, self.state, dedupe=self.dedupe)

    @cached_property
    def dedupe(self):
        """Provider message ids already answered (core.storage.dedupe), shared by webhooks and the SMS
        spool."""
        from core.storage.dedupe import make_dedupe

        return make_dedupe(self.settings, self.sessions, self.clock)

    @cached_property
    def senders(self) -> dict:
        from ansinh.dispatching import build_senders

        return build_senders(self)

    @cached_property
    def send_rate_limiter(self):
        """Provider send limits (Telegram 30/s overall, 1/s per chat; Zalo alike), shared via Redis when
        set."""
        from core.outbox.ratelimit import make_send_rate_limiter

        return make_send_rate_limiter(self.settings)

    def on_permanent_failure(self, session, message, error) -> None:
        """Called in the transaction that marks a message failed; channel rules plug in here."""
        from core.notify.channels import fall_back
        from core.outbox.delivery import handle_permanent_failure

        handle_permanent_failure(session, message, error, self.clock)
        fall_back(session, message, error, self.settings)

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
