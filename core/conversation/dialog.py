"""The conversation: one inbound message in, the replies out, on any channel.

Dialog.answer finds who writes (core.conversation.identity), checks a pending one-time code, understands the
text (core.nlu), routes the intent to its answer and commits everything the turn changed (audit
rows, tickets, consent, outbox) in one transaction. A failure answers an apology, never a trace."""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from core.conversation import registration
from core.clock import Clock
from core.counting import count
from core.storage.db import (
    database_unavailable,
    is_stale_connection,
    lazy_begin_sessions,
    retry_on_stale_connection,
)
from core.storage.dedupe import IN_FLIGHT, AlreadyAnswered, Dedupe
from core.conversation import clarify, personal, service, turn_unit
from core.conversation.choose import named_in
from core.conversation.turn import Turn
from core.i18n import Translator
from core.conversation.inbound_reply import Inbound, Reply
from core.settings import Settings
from core.storage.state import StateStore
from core.vietnamese_text import fold

if TYPE_CHECKING:
    from core.presenters.ussd_menu import UssdMenu

logger = logging.getLogger(__name__)

PERSONAL_INTENTS = ("payment_status", "payment_schedule", "payment_amount", "payment_history",
                    "payment_method")
# Words a button or a short SMS sends that need no understanding.
MORE_WORDS = {"tiep", "xem tiep", "more", "next", "9"}
RESUME_WORDS = {"bat", "bat lai", "start", "resume"}
OFFICER_WORDS = {"canbo", "can bo"}
KEYWORD_INTENTS = {"tc": "payment_status", "lich": "payment_schedule", "ls": "payment_history",
                   "dk": "register"}


@dataclass(frozen=True)
class TurnResult:
    """What one turn gave: its replies, and whether it was a redelivery of a provider message
    already answered (`repeated`; `in_flight` while a twin delivery of it is still committing, so
    there is nothing to give back yet) and whether it committed (an apology did not)."""

    replies: list[Reply]
    repeated: bool = False
    in_flight: bool = False
    committed: bool = False
    recorded: str | None = None  # a redelivery: the answer exactly as recorded the first time


def encode_replies(replies: list[Reply]) -> str:
    """The replies as kept against a provider message id, for a redelivery."""
    return json.dumps([[r.text, r.end_session] for r in replies], ensure_ascii=False)


def decode_replies(recorded: str) -> list[Reply]:
    """Replies kept by encode_replies; anything else (an answer kept in a provider's own format
    before replies were kept this way) gives none, and `TurnResult.recorded` holds it as it was."""
    try:
        return [Reply(text, end_session=bool(end)) for text, end in json.loads(recorded)]
    except (ValueError, TypeError):
        return []


def queue_replies(session: Session, inbound: Inbound, replies: list[Reply], key: str) -> None:
    """Each reply with text, in order, as an outbox row answering `inbound` (idempotent by key)."""
    from core.outbox.writes import enqueue

    for index, reply in enumerate(r for r in replies if r.text and r.text.strip()):
        enqueue(session, channel=inbound.channel, address=inbound.sender, text=reply.text, kind="reply",
                key=f"{key}:{index}")


class Dialog:
    def __init__(self, sessions: sessionmaker, clock: Clock, settings: Settings, state: StateStore,
                 parser: Callable | None = None, dedupe: Dedupe | None = None):
        self.sessions = lazy_begin_sessions(sessions)  # PostgreSQL begins before the first write only
        self.dedupe = dedupe  # provider message ids already answered (core.storage.dedupe)
        self.clock = clock
        self.settings = settings
        self.state = state
        self._parser = parser
        self._menu: UssdMenu | None = None

    @property
    def menu(self) -> UssdMenu:
        """The numbered menu that presents a session channel's (USSD) turns."""
        if self._menu is None:
            from core.presenters.ussd_menu import UssdMenu

            self._menu = UssdMenu(self.clock, self.settings, self.state)
        return self._menu

    @property
    def parser(self) -> Callable:
        if self._parser is None:
            from core.nlu import parse

            self._parser = parse
        return self._parser

    def handle(self, inbound: Inbound) -> list[Reply]:
        """One turn, one transaction: the replies (an apology when anything fails)."""
        return self.answer(inbound).replies

    def answer(self, inbound: Inbound, *, raise_unavailable: bool = False,
               outbox_key: str | None = None) -> TurnResult:
        """One turn, one transaction, and what became of it, on every channel: a message with a
        session event (USSD) is presented by the numbered menu, others by the routes below; its
        failures reach the caller, which answers in the session's own way. A provider message id in
        `provider_meta` ("provider", "message_sid") is checked in the turn's session and recorded
        with its replies just before the commit, so a redelivery has no second effect and gets the
        first replies back (`TurnResult.repeated`). With `outbox_key` the replies are queued in the
        outbox in the same transaction (a message answered later, by SMS) and a redelivery gets none.
        `raise_unavailable`: an unreachable database raises (OperationalError, InterfaceError)
        instead of answering an apology, for a channel that keeps the message for later."""
        try:
            return retry_on_stale_connection(
                lambda: self._answer_once(inbound, raise_unavailable, outbox_key))
        except DBAPIError as error:
            if not is_stale_connection(error) or raise_unavailable or inbound.event is not None:
                raise
            logger.warning("dialog: database unreachable for a %s message", inbound.channel)
            return TurnResult(self._apology(inbound))

    def _answer_once(self, inbound: Inbound, raise_unavailable: bool, outbox_key: str | None) -> TurnResult:
        session: Session = turn_unit.begin(self.sessions)
        try:
            # A session channel: its menu presents the reply; failures reach the caller
            if inbound.event is not None:
                return TurnResult([self.menu.step(session, inbound)], committed=True)
            message = self._provider_message(inbound)
            if message is not None:
                try:
                    self.dedupe.check(session, *message)
                except AlreadyAnswered as seen:
                    return self._repeated(seen, message)
            return self._turn(session, inbound, message, raise_unavailable, outbox_key)
        finally:
            turn_unit.end(session)

    def _provider_message(self, inbound: Inbound) -> tuple[str, str] | None:
        meta = inbound.provider_meta
        message_id = meta.get("message_sid") if meta else None
        if self.dedupe is None or not message_id:
            return None
        return str(meta.get("provider") or inbound.channel), str(message_id)

    def _repeated(self, seen: AlreadyAnswered, message: tuple[str, str]) -> TurnResult:
        first = seen.response if seen.response is not None else self.dedupe.seen_before(*message)
        if first is None or first == IN_FLIGHT:  # a twin delivery is still committing
            return TurnResult([], repeated=True, in_flight=True)
        return TurnResult(decode_replies(first), repeated=True, committed=True, recorded=first)

    def _turn(self, session: Session, inbound: Inbound, message: tuple[str, str] | None,
              raise_unavailable: bool, outbox_key: str | None) -> TurnResult:
        try:
            turn = Turn.begin(session, inbound, self.clock, self.settings, self.state)
            replies = self._route(turn)
            if outbox_key is not None:
                queue_replies(session, inbound, replies, outbox_key)
            if message is not None:  # first: it takes SQLite's write turn, held until the commit
                recorded = encode_replies([] if outbox_key is not None else replies)
                self.dedupe.record(session, *message, recorded)
            turn.save()
            turn_unit.commit(session)
            count("turn", channel=inbound.channel, intent=turn.intent)
            return TurnResult(replies, committed=True)
        except Exception as error:
            turn_unit.rollback(session)
            if is_stale_connection(error) or (raise_unavailable and database_unavailable(error)):
                raise  # answer() runs the turn again on a fresh connection, or the caller keeps it
            if isinstance(error, AlreadyAnswered):  # a twin delivery committed the same id first
                return self._repeated(error, message)
            logger.exception("dialog failed for %s message", inbound.channel)
            return TurnResult(self._apology(inbound))

    def _apology(self, inbound: Inbound) -> list[Reply]:
        t = Translator((inbound.locale or "vi")[:2].lower())
        return [Reply(t._("Sorry, something went wrong. Please try again later or call the hotline "
                          "%(hotline)s.",
                          hotline=self.settings.hotline))]

    def _route(self, turn: Turn) -> list[Reply]:
        text = turn.text.strip()
        if not text:
            return service.small_talk(turn, "help")
        pending = turn.memory.pop("ask", None)  # a choice offered last turn is answered now or never
        confirmed = registration.confirm(turn.ctx, turn.kind, turn.address, text)
        if confirmed is not None:
            return turn.reply(confirmed)
        folded = fold(text).strip(" .!?")
        chosen = clarify.picked(turn, pending, folded)
        if chosen is not None:
            turn.intent = chosen
            return _answer(turn, chosen)
        receipt = self._receipt_answer(turn, text)
        if receipt is not None:
            return turn.reply(receipt)
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
        # Another office's money: not a follow-up of the last question
        if getattr(parsed, "elsewhere", False):
            turn.intent = "unknown"
            return service.elsewhere(turn)
        intent = self._follow_up(turn, _keyword_first(turn, folded, parsed.intent))
        turn.intent = intent
        logger.debug("intent %s slots %s", intent, turn.slots)
        unsure = tuple(getattr(parsed, "choices", ()) or ())
        if unsure and intent == parsed.intent and set(unsure) - {clarify.OTHER}:  # weak or close: ask
            return clarify.offer(turn, unsure, getattr(parsed, "topic", None))
        if intent == "unknown" and getattr(parsed, "topic", None):
            return clarify.out_of_scope(turn, parsed.topic)
        return _answer(turn, intent)

    def _receipt_answer(self, turn: Turn, text: str) -> str | None:
        """"1"/"2"/"chưa" right after "Đã nhận được tiền tháng 11 chưa?" answers that question."""
        if turn.asker.person_id is None or not turn.asker.verified:
            return None
        from core.notify.receipts import answer_receipt

        return answer_receipt(turn.session, turn.asker.person_id, text, turn.inbound.channel, self.clock,
                              turn.t, self.settings.hotline)

    @staticmethod
    def _follow_up(turn: Turn, intent: str) -> str:
        """'còn mệ Lài?' or 'tháng trước thì răng?' right after a question repeats that question;
        a message that only names one of the asker's people asks whether their money has come."""
        if intent != "unknown" or not turn.asker.knows_anyone:
            return intent
        last = turn.memory.get("intent")
        named = named_in(turn.text, turn.asker.beneficiaries)
        if last in PERSONAL_INTENTS and (
            turn.slots.get("period") or turn.slots.get("beneficiary_code") or named
        ):
            return last
        return "payment_status" if named else intent


def _answer(turn: Turn, intent: str) -> list[Reply]:
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


def _keyword_first(turn: Turn, folded: str, intent: str) -> str:
    """SMS keywords win over any reading of the words after them ("TC Lài", "LICH BT4600001")."""
    first = folded.split(" ", 1)[0]
    if folded.startswith("lich su"):  # "lịch sử" is history, not the LICH keyword
        return intent
    keyword_intent = KEYWORD_INTENTS.get(first)
    if keyword_intent is None or intent == keyword_intent:
        return intent
    if keyword_intent == "register":
        if intent != "unknown":
            return intent
        parts = turn.text.split()
        if len(parts) > 1 and "beneficiary_code" not in turn.slots:
            turn.slots["beneficiary_code"] = parts[1]
        if len(parts) > 2 and "dob" not in turn.slots and re.fullmatch(r"\d{4}", parts[2]):
            turn.slots["dob"] = parts[2]
        return keyword_intent
    turn.slots.pop("dob", None)
    return keyword_intent


__all__ = ["Dialog", "TurnResult"]
