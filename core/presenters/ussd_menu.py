"""The numbered USSD menu as a state machine, channel-agnostic (no web framework here).

A presenter of the conversation: a USSD message comes through the same entry as every other
(core.conversation.dialog.Dialog.answer, an `Inbound` with a session event), which opens the
turn's session and retries a stale connection; the menu answers it in that session (`step`).
Gateways differ in what they send: Africa's Talking sends the whole path typed so far ("1*2*9"),
others only the latest input (`path_inbound`, `latest_inbound`). The menu keeps its position in
the state store (database or Redis) for SESSION_TTL seconds, keyed by the gateway's session id and
bound to the caller's phone; a session's end event forgets it. A full path whose state is lost is
replayed from the start, so an Africa's Talking dial-in keeps nothing: it writes no row and takes
no write turn.

Main menu for a known phone: 1 this month's money, 2 payment days and place, 3 amount and why,
4 past months (9 next, 0 back), 5 register / guardian, 6 officer or complaint; "00" goes back to
the start from anywhere. A guardian of several people picks the person first. An unknown phone
gets general information, registration and whom to call. Answers come from core.answers (which
audit each disclosure); screens are cut to the USSD limit and paginated by core.presenters.ussd_screens.
"""
from __future__ import annotations

import hashlib
import logging

from sqlalchemy.orm import Session

from core.presenters import ussd_flows
from core.clock import Clock
from core.conversation.inbound_reply import SESSION_CONTINUE, SESSION_END, SESSION_NEW, Inbound, Reply
from core.conversation.turn import Turn
from core.counting import count
from core.conversation import turn_unit
from core.presenters.ussd_screens import Screens

logger = logging.getLogger(__name__)

SESSION_TTL = 180  # seconds a menu position is kept: gateways end idle sessions well before
MAX_INPUT = 40  # longer inputs are cut (they are never valid anyway)
MAX_STEPS = 40  # a longer path is not replayed
HOME, BACK, NEXT = "00", "0", "9"
MENU_ITEMS = {"1": "status", "2": "schedule", "3": "amount", "4": "history", "5": "register", "6": "contact"}
PERSONAL_SCREENS = ("menu", "history", "contact", "complaint")
PERSONAL_ANSWERS = ("status", "schedule", "amount")
STRANGER_ITEMS = {"1": "info", "2": "register", "3": "contact_officer"}


def _fits(turn: Turn, menu_state: dict) -> bool:
    """Does a screen that shows one beneficiary still have one this caller may ask about?"""
    personal = menu_state.get("screen") in PERSONAL_SCREENS or (
        menu_state.get("screen") == "answer" and menu_state.get("kind") in PERSONAL_ANSWERS
    )
    return not personal or turn.beneficiary_with_id(menu_state.get("b")) is not None


def _clean(raw: str | None) -> str:
    return (raw or "").strip()[:MAX_INPUT]


def _path_hash(inputs: list[str]) -> str:
    return hashlib.sha256("*".join(inputs).encode()).hexdigest()[:16]


def _state_key(session_id: str) -> str:
    raw = str(session_id or "")
    return "ussd:" + (
        raw if len(raw) <= 100 and raw.isprintable() else hashlib.sha256(raw.encode()).hexdigest()
    )


def path_inbound(session_id: str, phone: str, text: str | None) -> Inbound:
    """Africa's Talking style: `text` is every input so far joined by '*' ('' on dial-in)."""
    return Inbound(channel="ussd", sender=phone, text=text or "", session_id=session_id,
                   event=SESSION_CONTINUE if text else SESSION_NEW, provider_meta=_WHOLE_PATH)


def latest_inbound(session_id: str, phone: str, latest: str | None, dial_in: bool = False) -> Inbound:
    """Gateways that send only the latest input; the first request of a session dials in, and so
    does one marked `dial_in` (SMPP reuses its small session numbers)."""
    return Inbound(channel="ussd", sender=phone, text=latest or "", session_id=session_id,
                   event=SESSION_NEW if dial_in else SESSION_CONTINUE)


_WHOLE_PATH = {"typed": "path"}


class UssdMenu:
    def __init__(self, clock: Clock, settings, state):
        self.clock = clock
        self.settings = settings
        self.state = state
        self.flows = ussd_flows.Flows(clock, settings, state)

    def step(self, session: Session, inbound: Inbound) -> Reply:
        """One request of a USSD session, in the turn's session (committed here)."""
        if inbound.event == SESSION_END:
            self.state.delete(_state_key(inbound.session_id), session)
            turn_unit.commit(session)
            return Reply("", end_session=True)
        if inbound.provider_meta.get("typed") == "path":
            return self._answer_path(session, inbound)
        return self._answer_latest(session, inbound)

    def _answer_path(self, session: Session, inbound: Inbound) -> Reply:
        session_id, phone, text = inbound.session_id, inbound.sender, inbound.text
        inputs = [_clean(part) for part in (text or "").split("*")] if text else []
        key = _state_key(session_id)
        if not inputs:  # the path replays from here, so a dial-in keeps nothing: it only reads
            return self._advance(session, key, inbound, None, [], _path_hash([]), keep=False)
        stored = self.state.get(key, session)
        if stored and stored.get("phone") == phone:
            if stored.get("depth") == len(inputs) and stored.get("path") == _path_hash(inputs):
                # A gateway retry
                return Reply(stored.get("text", ""), end_session=bool(stored.get("end")))
            if stored.get("depth") == len(inputs) - 1 and stored.get("path") == _path_hash(inputs[:-1]):
                return self._advance(session, key, inbound, stored, inputs[-1:], _path_hash(inputs))
        if len(inputs) > MAX_STEPS:
            inputs = []  # too long to replay: start again
        return self._advance(session, key, inbound, None, inputs, _path_hash(inputs))

    def _answer_latest(self, session: Session, inbound: Inbound) -> Reply:
        """SESSION_NEW dials in even when the gateway reuses a session number (SMPP's are small)."""
        key = _state_key(inbound.session_id)
        stored = None if inbound.event == SESSION_NEW else self.state.get(key, session)
        if not stored or stored.get("phone") != inbound.sender:
            return self._advance(session, key, inbound, None, [], "")
        return self._advance(session, key, inbound, stored, [_clean(inbound.text)], "")

    # -- the machine ----------------------------------------------------------------------------
    def _advance(self, session: Session, key: str, inbound: Inbound, stored: dict | None,
                 inputs: list[str], path: str, keep: bool = True) -> Reply:
        """One turn in one transaction: the menu position is written with the answers' audit rows
        and any registration step, and commits with them. Without `keep` the position is not
        written: the next request's path replays it (a dial-in, where no step has run)."""
        turn = Turn.on_menu(session, inbound, self.clock, self.settings, self.state)
        menu_state = dict(stored) if stored else self._fresh(turn, inbound.sender)
        for value in inputs:
            self._step(turn, menu_state, value)
        if not _fits(turn, menu_state):
            self._home(turn, menu_state)  # the contact was removed meanwhile
        reply = Screens(turn, self.settings).render(menu_state)
        menu_state.update(text=reply.text, end=reply.end_session,
                          depth=menu_state.get("depth", 0) + len(inputs), path=path)
        menu_state.pop("error", None)
        if keep:
            if reply.end_session:
                self.state.delete(key, session)
            else:
                self.state.set(key, menu_state, SESSION_TTL, session)
        turn_unit.commit(session)
        count("turn", channel="ussd",
              intent=f"menu:{menu_state.get('kind') or menu_state.get('screen') or 'home'}")
        return reply

    def _fresh(self, turn: Turn, phone: str) -> dict:
        menu_state = {"phone": phone, "depth": 0}
        self._home(turn, menu_state)
        return menu_state

    def _home(self, turn: Turn, menu_state: dict) -> None:
        for field in ("b", "page", "pages", "sub", "subs", "more", "kind", "reg", "note", "back"):
            menu_state.pop(field, None)
        if not turn.known:
            menu_state["screen"] = "stranger"
        elif len(turn.asker.beneficiaries) == 1:
            menu_state.update(screen="menu", b=turn.asker.beneficiaries[0][0].id)
        else:
            menu_state.update(screen="pick", page=0)

    def _step(self, turn: Turn, menu_state: dict, value: str) -> None:
        menu_state.pop("error", None)
        if value == HOME:
            self._home(turn, menu_state)
            return
        screen = menu_state.get("screen", "stranger")
        handler = getattr(self, f"_on_{screen}", None)
        if handler is None or not _fits(turn, menu_state):
            self._home(turn, menu_state)  # the state no longer fits (a contact was removed meanwhile)
            return
        handler(turn, menu_state, value)

    def _on_stranger(self, turn: Turn, menu_state: dict, value: str) -> None:
        item = STRANGER_ITEMS.get(value)
        if item is None:
            menu_state["error"] = "choice"
        elif item == "register":
            self.flows.begin_registration(menu_state)
        else:
            menu_state.update(screen="answer", kind=item, page=0, back="stranger")

    def _on_pick(self, turn: Turn, menu_state: dict, value: str) -> None:
        people = turn.asker.beneficiaries
        page, size = menu_state.get("page", 0), Screens.PICK_PAGE
        if value == NEXT and (page + 1) * size < len(people):
            menu_state["page"] = page + 1
        elif value == BACK and page > 0:
            menu_state["page"] = page - 1
        elif value.isdigit() and 1 <= int(value) <= min(size, len(people) - page * size):
            menu_state.update(screen="menu", b=people[page * size + int(value) - 1][0].id)
            menu_state.pop("page", None)
        else:
            menu_state["error"] = "choice"

    def _on_menu(self, turn: Turn, menu_state: dict, value: str) -> None:
        item = MENU_ITEMS.get(value)
        if value == BACK and len(turn.asker.beneficiaries) > 1:
            self._home(turn, menu_state)
        elif item is None:
            menu_state["error"] = "choice"
        elif item == "history":
            menu_state.update(screen="history", page=0)
        elif item == "register":
            self.flows.begin_registration(menu_state)
        elif item == "contact":
            menu_state["screen"] = "contact"
        else:
            menu_state.update(screen="answer", kind=item, page=0, back="menu")

    def _on_answer(self, turn: Turn, menu_state: dict, value: str) -> None:
        page = menu_state.get("page", 0)
        # Unknown while replaying: the renderer clamps
        if value == NEXT and page + 1 < menu_state.get("pages", page + 2):
            menu_state["page"] = page + 1
        elif value == BACK and page > 0:
            menu_state["page"] = page - 1
        elif value == BACK and menu_state.get("back") == "home":
            self._home(turn, menu_state)
        elif value == BACK:
            menu_state["screen"] = menu_state.get("back", "menu")
            for field in ("kind", "page", "pages", "back", "note"):
                menu_state.pop(field, None)
        else:
            menu_state["error"] = "choice"

    def _on_history(self, turn: Turn, menu_state: dict, value: str) -> None:
        """Pages of core.answers' history ('page'), each cut into screens ('sub')."""
        page, sub = menu_state.get("page", 0), menu_state.get("sub", 0)
        if value == NEXT and sub + 1 < menu_state.get("subs", sub + 2):
            menu_state["sub"] = sub + 1
        elif value == NEXT and menu_state.get("more", True):
            menu_state.update(page=page + 1, sub=0)
        elif value == BACK and sub > 0:
            menu_state["sub"] = sub - 1
        elif value == BACK and page > 0:
            menu_state.update(page=page - 1, sub=0)
        elif value == BACK:
            menu_state["screen"] = "menu"
            for field in ("page", "sub", "subs", "more"):
                menu_state.pop(field, None)
        else:
            menu_state["error"] = "choice"

    def _on_contact(self, turn: Turn, menu_state: dict, value: str) -> None:
        if value == "1":
            menu_state.update(screen="answer", kind="contact_officer", page=0, back="contact")
        elif value == "2":
            menu_state["screen"] = "complaint"
        elif value == BACK:
            menu_state["screen"] = "menu"
        else:
            menu_state["error"] = "choice"

    def _on_complaint(self, turn: Turn, menu_state: dict, value: str) -> None:
        if value == BACK:
            menu_state["screen"] = "contact"
        elif not self.flows.file_complaint(turn, menu_state, value):
            menu_state["error"] = "choice"

    def _on_register(self, turn: Turn, menu_state: dict, value: str) -> None:
        self.flows.registration_step(turn, menu_state, value)
