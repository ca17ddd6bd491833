"""The USSD menu's multi-step flows: registration (beneficiary code, then date or year of birth,
then the one-time code sent by SMS to a phone on file, all by core.conversation.registration) and filing a
complaint (core.complaints.tickets). Each step leaves a short note in the menu state for the next screen.
"""
from __future__ import annotations

from core.i18n import N_  # the shared extraction marker

import logging
import re
from datetime import date

from core.complaints import tickets as complaints
from core.conversation import registration
from core.conversation.identity import resolve
from core.models import OtpChallenge
from core.phones import mask_phone

logger = logging.getLogger(__name__)



# Menu number -> (complaint category, the msgid of its label; the label is the complaint's text).
COMPLAINT_CHOICES = {
    "1": ("not_received", N_("Money not received")),
    "2": ("short_paid", N_("Paid less than due")),
    "3": ("fees", N_("Charged a fee")),
    "4": ("scam", N_("Suspected scam")),
    "5": ("other", N_("Something else")),
}
_CODE = re.compile(r"[A-Za-z0-9\-]{2,30}")


def parse_birth(value: str) -> str | None:
    """What a keypad can type: '15031945', '15/03/1945', '15.3.1945' or a bare year '1945';
    returns 'YYYY-MM-DD' or 'YYYY' as core.conversation.registration expects, None when it is not a date."""
    value = value.strip()
    if re.fullmatch(r"(19|20)\d\d", value):
        return value
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-]((?:19|20)\d\d)",
                         value) or re.fullmatch(r"(\d\d)(\d\d)((?:19|20)\d\d)", value)
    if match is None:
        return None
    try:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1))).isoformat()
    except ValueError:
        return None


class Flows:
    def __init__(self, clock, settings, state_store=None):
        self.clock = clock
        self.settings = settings
        self.state_store = state_store

    # -- registration ---------------------------------------------------------------------------
    @staticmethod
    def begin_registration(menu_state: dict) -> None:
        menu_state.update(screen="register", reg={"step": "code", "back": menu_state.get("screen", "menu")})

    def registration_step(self, turn, menu_state: dict, value: str) -> None:
        reg = menu_state.setdefault("reg", {"step": "code"})
        step = reg.get("step", "code")
        if value == "0" and step in ("code", "dob"):
            menu_state["screen"] = reg.get("back", "menu")
            menu_state.pop("reg", None)
        elif step == "code":
            if _CODE.fullmatch(value):
                reg.update(step="dob", code=value.upper())
            else:
                menu_state["error"] = "code"
        elif step == "dob":
            self._submit(turn, menu_state, reg, value)
        else:
            self._confirm(turn, menu_state, reg, value)

    def _submit(self, turn, menu_state: dict, reg: dict, value: str) -> None:
        birth = parse_birth(value)
        if birth is None:
            menu_state["error"] = "birth"
            return
        before = registration.open_challenge(turn.session, "phone", turn.address)
        note = registration.start(turn.ctx, self.state_store, turn.asker, "phone", turn.address,
                                  reg.get("code"), birth)
        after = registration.open_challenge(turn.session, "phone", turn.address)
        if after is not None and (before is None or after.id != before.id):
            reg.update(step="otp", challenge=after.id, sent_to=mask_phone(after.sent_to))
            reg.pop("code", None)
        else:
            menu_state.pop("reg", None)
            menu_state.update(screen="answer", kind="note", note=note, page=0, back="home")

    def _confirm(self, turn, menu_state: dict, reg: dict, value: str) -> None:
        note = registration.confirm(turn.ctx, "phone", turn.address, value)
        if note is None:
            menu_state["error"] = "otp"
            return
        challenge = turn.session.get(OtpChallenge, reg.get("challenge"))
        if challenge is not None and challenge.used_at is None:
            reg["note"] = note  # a wrong code with tries left: ask again
            return
        menu_state.pop("reg", None)
        menu_state.update(screen="answer", kind="note", note=note, page=0, back="home")
        turn.asker = resolve(turn.session, "ussd", turn.address)  # newly linked: the start menu changes

    # -- complaints -----------------------------------------------------------------------------
    def file_complaint(self, turn, menu_state: dict, value: str) -> bool:
        choice = COMPLAINT_CHOICES.get(value)
        beneficiary = turn.beneficiary_with_id(menu_state.get("b"))
        if choice is None:
            return False
        category, label = choice
        complaint = complaints.file_complaint(turn.ctx, text=turn.t._(label), intent="complaint",
                                              beneficiary=beneficiary,
                                              person=turn.asker.person, reply_to=turn.address,
                                              period=self.clock.current_period(), category=category)
        note = complaints.acknowledge(turn.ctx, complaint)
        menu_state.update(screen="answer", kind="note", note=note, page=0, back="menu")
        return True
