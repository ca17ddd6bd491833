"""One turn of a conversation: who writes, in which language, what they asked last time, and the
answer context handed to the answer functions. The dialog's routes (personal.py, service.py) and
the USSD menu (core.presenters) both work on it: there is one Turn.
The memory is read and saved in the turn's own session, so it commits with the turn's audit rows."""
from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from core.answers import AnswerContext
from core.conversation import choose
from core.i18n import Translator, translator
from core.conversation.identity import Asker, BeneficiaryView, identity_key, resolve
from core.conversation.inbound_reply import Choice, Inbound, Reply
from core.models import Beneficiary
from core.storage.state import Recalled, StateStore

logger = logging.getLogger(__name__)

MEMORY_TTL = 30 * 60  # a follow-up within half an hour is about the same person
# Written to last longer, so an unchanged memory need not be rewritten every turn
MEMORY_KEPT = MEMORY_TTL * 3 // 2
LANGUAGE_TTL = 365 * 24 * 3600  # strangers' language choice


@dataclass
class Turn:
    session: Session
    inbound: Inbound
    asker: Asker
    kind: str  # Identity.kind: phone / telegram / zalo
    address: str  # E.164 or chat id
    ctx: AnswerContext
    state: StateStore
    memory: dict = field(default_factory=dict)
    slots: dict = field(default_factory=dict)
    intent: str = "unknown"
    recalled: Recalled | None = None  # the memory as stored, with its expiry

    @classmethod
    def begin(cls, session: Session, inbound: Inbound, clock, settings, state: StateStore) -> Turn:
        # With this month's payments
        asker = resolve(session, inbound.channel, inbound.sender, clock.current_period())
        kind, address = identity_key(inbound.channel, inbound.sender)
        language = asker.language \
            or (state.get(f"lang:{kind}:{address}",
                          session) or {}).get("language") or (inbound.locale or "vi")[:2].lower()
        ctx = AnswerContext(session=session, t=translator(language), channel=inbound.channel, clock=clock,
                            settings=settings, actor=f"{inbound.channel}:{address}")
        recalled = state.recall(f"dialog:{kind}:{address}", session)
        # Save() compares it with what was stored
        memory = copy.deepcopy(recalled.value) if recalled is not None else {}
        return cls(session, inbound, asker, kind, address, ctx, state, memory, recalled=recalled)

    @classmethod
    def on_menu(cls, session: Session, inbound: Inbound, clock, settings, state: StateStore) -> Turn:
        """A USSD menu step: the menu keeps its own position, so no memory is recalled, and the
        language is the person's own (a stranger's USSD menu is in Vietnamese). The gateway
        adapter has already put the caller's phone in E.164."""
        asker = resolve(session, inbound.channel, inbound.sender, clock.current_period())
        kind, address = "phone", inbound.sender
        t = translator(asker.language or "vi")  # shared per language: no Locale parsed per screen
        ctx = AnswerContext(session, t, inbound.channel, clock, settings,
                            actor=f"{inbound.channel}:{address}"[:80])
        return cls(session, inbound, asker, kind, address, ctx, state)

    @property
    def known(self) -> bool:
        return self.asker.knows_anyone

    def beneficiary_with_id(self, beneficiary_id: int | None) -> BeneficiaryView | None:
        """One of the asker's beneficiaries by id (a menu's chosen person), None once no longer theirs."""
        return next((b for b, _role in self.asker.beneficiaries if b.id == beneficiary_id), None)

    @property
    def t(self) -> Translator:
        return self.ctx.t

    @property
    def text(self) -> str:
        return self.inbound.text or ""

    def remember(self, **values) -> None:
        self.memory.update(values)

    def save(self) -> None:
        """Kept at least MEMORY_TTL after this message. A memory this turn did not change and
        that has that long to live is left as it is: one write fewer when someone asks again."""
        recalled = self.recalled
        if recalled is not None and recalled.value == self.memory \
                and recalled.expires_at - self.ctx.clock.now() >= timedelta(seconds=MEMORY_TTL):
            return
        self.state.set(f"dialog:{self.kind}:{self.address}", self.memory, MEMORY_KEPT, self.session)

    def set_language(self, language: str) -> None:
        person = self.asker.person
        if person is not None:
            person.language = language
            self.asker.language = language
        else:
            self.state.set(f"lang:{self.kind}:{self.address}", {"language": language}, LANGUAGE_TTL,
                           self.session)
        self.ctx.t = translator(language)

    def targets(self) -> tuple[list[Beneficiary], bool]:
        """(beneficiaries this message is about, whether it named someone not theirs)."""
        mine = self.asker.beneficiaries if self.asker.verified else []
        if not mine:
            return [], False
        coded = choose.by_code(self.slots.get("beneficiary_code"), mine)
        named = coded or choose.named_in(self.text, mine)
        if named:
            chosen = [b for b, _role in named]
            if len(chosen) == 1:
                self.remember(beneficiary_id=chosen[0].id)
            return chosen, False
        if self.slots.get("beneficiary_code") and len(mine) > 1 and not coded:
            return [], True
        if len(mine) == 1:
            return [mine[0][0]], False
        last = self.memory.get("beneficiary_id")
        remembered = [b for b, _role in mine if b.id == last]
        return (remembered or [b for b, _role in mine]), False

    def reply(self, text: str, choices: list[Choice] | tuple = ()) -> list[Reply]:
        shown = tuple(choices) if self.ctx.is_chat else ()
        return [Reply(text=text, choices=shown)]
