"""The conversation: one inbound message in, the replies out, on any channel.

Dialog.handle finds who writes (core.identity), checks a pending one-time code, understands the
text (core.nlu), routes the intent to its answer and commits everything the turn changed (audit
rows, tickets, consent, outbox) in one transaction. A failure answers an apology, never a trace."""
from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from core import registration
from core.clock import Clock
from core.dialog import personal, service
from core.dialog.turn import Turn
from core.i18n import Translator
from core.messages import Inbound, Reply
from core.settings import Settings
from core.state import StateStore
from core.text import fold

logger = logging.getLogger(__name__)

PERSONAL_INTENTS = ("payment_status", "payment_schedule", "payment_amount", "payment_history", "payment_method")
# Words a button or a short SMS sends that need no understanding.
MORE_WORDS = {"tiep", "xem tiep", "more", "next", "9"}
RESUME_WORDS = {"bat", "bat lai", "start", "resume"}
OFFICER_WORDS = {"canbo", "can bo"}


class Dialog:
    def __init__(self, sessions: sessionmaker, clock: Clock, settings: Settings, state: StateStore,
                 parser: Callable | None = None):
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.state = state
        self._parser = parser

    @property
    def parser(self) -> Callable:
        if self._parser is None:
            from core.nlu import parse

            self._parser = parse
        return self._parser

    def handle(self, inbound: Inbound) -> list[Reply]:
        session: Session = self.sessions()
        try:
            turn = Turn.begin(session, inbound, self.clock, self.settings, self.state)
            replies = self._route(turn)
            session.commit()
            turn.save()
            return replies
        except Exception:  # noqa: BLE001 - the person gets an apology, the log gets the trace
            session.rollback()
            logger.exception("dialog failed for %s message", inbound.channel)
            t = Translator(inbound.locale or "vi")
            return [Reply(t._("Sorry, something went wrong. Please try again later or call the hotline %(hotline)s.",
                              hotline=self.settings.hotline))]
        finally:
            session.close()

    def _route(self, turn: Turn) -> list[Reply]:
        text = turn.text.strip()
        if not text:
            return service.small_talk(turn, "help")
        confirmed = registration.confirm(turn.ctx, turn.kind, turn.address, text)
        if confirmed is not None:
            return turn.reply(confirmed)
        folded = fold(text).strip(" .!?")
        if folded in MORE_WORDS:
            more = personal.more_history(turn)
            if more is not None:
                return more
        if folded in RESUME_WORDS:
            return service.resume(turn)
        if folded in OFFICER_WORDS:
            return service.contact_officer(turn)
        parsed = self.parser(text, turn.ctx.today)
        turn.slots = dict(parsed.slots or {})
        intent = self._follow_up(turn, parsed.intent)
        turn.intent = intent
        logger.debug("intent %s slots %s", intent, turn.slots)
        if intent in PERSONAL_INTENTS:
            return personal.personal(turn, intent)
        if intent == "register":
            return service.register(turn)
        if intent in ("report_change", "complaint"):
            return service.complaint(turn, intent)
        if intent == "contact_officer":
            return service.contact_officer(turn)
        if intent == "stop":
            return service.stop(turn)
        if intent == "change_language":
            return service.change_language(turn)
        return service.small_talk(turn, intent)

    @staticmethod
    def _follow_up(turn: Turn, intent: str) -> str:
        """'còn mệ Lài?' or 'tháng trước thì răng?' right after a question repeats that question."""
        last = turn.memory.get("intent")
        if intent != "unknown" or last not in PERSONAL_INTENTS or not turn.asker.knows_anyone:
            return intent
        from core.dialog.choose import named_in

        if turn.slots.get("period") or turn.slots.get("beneficiary_code") or named_in(turn.text, turn.asker.beneficiaries):
            return last
        return intent


__all__ = ["Dialog"]
