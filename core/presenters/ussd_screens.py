"""What a USSD screen shows for a menu state: texts from the catalogs (short `ussd` variants),
ASCII unless settings.ussd_unicode, every screen within the USSD limit less the 4 characters of
"CON "/"END ", long answers split into pages ("9 Next, 0 Back" on all but the last) between
lines, sentences or phrases, never inside a group that reads as one (core.presenters.page_breaks).
"""
from __future__ import annotations

import logging

from core.answers import (
    eligibility,
    payment_amount,
    payment_history,
    payment_schedule,
    payment_status,
)
from core.answers.contact import contact_officer
from core.answers.context import addressed
from core.conversation.inbound_reply import Reply
from core.presenters.page_breaks import first_part, pages
from core.conversation.render import ussd_limit
from core.vietnamese_text import to_ascii
from core.presenters.ussd_flows import COMPLAINT_CHOICES

logger = logging.getLogger(__name__)
PROTOCOL_PREFIX = len("CON ")
NAME_WIDTH = 26


class Screens:
    PICK_PAGE = 7

    def __init__(self, turn, settings):
        self.turn = turn
        self.t = turn.t
        self.settings = settings
        self.limit = ussd_limit(settings) - PROTOCOL_PREFIX

    def shown(self, text: str) -> str:
        return text if self.settings.ussd_unicode else to_ascii(text)

    def render(self, menu_state: dict) -> Reply:
        draw = getattr(self, f"_{menu_state.get('screen')}", self._stranger)
        return Reply(draw(menu_state))

    # -- helpers ------------------------------------------------------------------------------
    def _error(self, menu_state: dict) -> str:
        t = self.t
        return {
            "choice": t.p_("ussd", "Please choose one of the numbers."),
            "code": t.p_("ussd", "That code is not valid."),
            "birth": t.p_("ussd", "That date is not valid."),
            "otp": t.p_("ussd", "Please enter the 6 digits of the code."),
        }.get(menu_state.get("error"), "")

    def _layout(self, menu_state: dict, head: str, options: str, footer: str = "") -> str:
        """Error line, heading, options, footer; the heading goes first when space is short,
        then the options that do not fit (whole lines, never half an item)."""
        parts = [self._error(menu_state), head, options, footer]
        text = self.shown("\n".join(p for p in parts if p))
        if len(text) > self.limit:
            shown_footer = self.shown(footer)
            top = self.shown("\n".join(p for p in (parts[0], parts[2]) if p))
            room = self.limit - (len(shown_footer) + 1 if shown_footer else 0)
            text = "\n".join(p for p in (first_part(top, room, ""), shown_footer) if p)
        return text

    def _paged(self, menu_state: dict, text: str, index: str = "page", count: str = "pages",
               more_after: bool = False) -> str:
        """One screen of `text`; '9 Next' while screens (or, with `more_after`, pages) remain."""
        t = self.t
        more, last = self.shown(t.p_("ussd", "9 Next, 0 Back")), self.shown(t.p_("ussd", "0 Back, 00 Start"))
        room = self.limit - max(len(more), len(last)) - 1
        screens = pages(self.shown(text), room)
        page = min(max(0, menu_state.get(index, 0)), len(screens) - 1)
        menu_state.update({index: page, count: len(screens)})
        body = screens[page]
        error = self.shown(self._error(menu_state))
        if error:  # the hint first; the page's start, cut where it may be, after it
            body = f"{error}\n{first_part(body, room - len(error) - 1)}"
        return f"{body}\n{more if page + 1 < len(screens) or more_after else last}"

    # -- screens ------------------------------------------------------------------------------
    def _stranger(self, menu_state: dict) -> str:
        t = self.t
        return self._layout(menu_state, t.p_("ussd", "AnSinh answers about the monthly social allowance."),
                          t.p_("ussd", "1 General information\n2 Register this phone\n3 Contact an officer"))

    def _pick(self, menu_state: dict) -> str:
        t = self.t
        people = self.turn.asker.beneficiaries
        page = menu_state.get("page", 0)
        shown = people[page * self.PICK_PAGE:(page + 1) * self.PICK_PAGE]
        footer = []
        if (page + 1) * self.PICK_PAGE < len(people):
            footer.append(t.p_("ussd", "9 Next"))
        if page > 0:
            footer.append(t.p_("ussd", "0 Back"))
        footer = ", ".join(footer)
        # every name on the screen, shortened when seven long names and the footer would not fit
        room = self.limit - sum(len(self.shown(p)) + 1 for p in (footer, self._error(menu_state)) if p)
        width = min(NAME_WIDTH, room // max(1, len(shown)) - 3)
        lines = [f"{index} {beneficiary.full_name[:width].rstrip()}"
                 for index, (beneficiary, _) in enumerate(shown, 1)]
        return self._layout(menu_state, t.p_("ussd", "Which person are you asking about?"), "\n".join(lines),
                            footer)

    def _menu(self, menu_state: dict) -> str:
        t = self.t
        beneficiary = self.turn.beneficiary_with_id(menu_state.get("b"))
        name = addressed(self.turn.ctx, beneficiary)
        own = self.turn.asker.role_for(beneficiary.id) == "self"
        head = t.p_("ussd", "Hello %(name)s", name=name) if own else t.p_("ussd", "About %(name)s:",
                                                                          name=name)
        options = t.p_("ussd",
                       "1 This month's money\n2 Payment days and place\n3 Amount and why\n4 Past months\n5 "
                       "Register, guardian\n6 Officer, complaint")
        footer = t.p_("ussd", "0 Another person") if len(self.turn.asker.beneficiaries) > 1 else ""
        return self._layout(menu_state, head, options, footer)

    def _contact(self, menu_state: dict) -> str:
        t = self.t
        return self._layout(menu_state, "",
                            t.p_("ussd", "1 Officer's phone number\n2 File a complaint\n0 Back"))

    def _complaint(self, menu_state: dict) -> str:
        t = self.t
        lines = [f"{number} {t._(label)}" for number, (_, label) in COMPLAINT_CHOICES.items()]
        return self._layout(menu_state, t.p_("ussd", "What is the complaint about?"), "\n".join(lines),
                            t.p_("ussd", "0 Back"))

    def _register(self, menu_state: dict) -> str:
        t = self.t
        reg = menu_state.get("reg") or {}
        step = reg.get("step", "code")
        if step == "code":
            return self._layout(menu_state, "",
                                t.p_("ussd", "Enter the beneficiary code (on the payment notice):\n0 Back"))
        if step == "dob":
            return self._layout(menu_state, "",
                                t.p_("ussd",
                                     "Enter the date of birth as 8 digits (e.g. 15031945) or the year of "
                                     "birth (e.g. 1945):\n0 Back"))
        head = reg.get("note") or t.p_("ussd", "A 6-digit code was sent by SMS to the number %(phone)s.",
                                       phone=reg.get("sent_to", ""))
        return self._layout(menu_state, head, t.p_("ussd", "Enter the code:"), t.p_("ussd", "00 Start"))

    def _history(self, menu_state: dict) -> str:
        page = max(0, menu_state.get("page", 0))
        text, more = payment_history(self.turn.ctx, self.turn.beneficiary_with_id(menu_state.get("b")), page)
        menu_state.update(page=page, more=more)
        return self._paged(menu_state, text, index="sub", count="subs", more_after=more)

    def _answer(self, menu_state: dict) -> str:
        return self._paged(menu_state, self.answer_text(menu_state))

    def answer_text(self, menu_state: dict) -> str:
        ctx, kind = self.turn.ctx, menu_state.get("kind")
        beneficiary = self.turn.beneficiary_with_id(menu_state.get("b"))
        if kind == "note":
            return menu_state.get("note") or ""
        if kind == "info":
            intro = self.t.p_("ussd",
                              "AnSinh tells beneficiaries and their families about the monthly allowance. "
                              "Only phones on the commune's list get personal details: choose 2 to register.")
            return f"{intro}\n{eligibility(ctx)}"
        if kind == "contact_officer":
            return contact_officer(ctx, beneficiary)
        if kind == "status":
            return payment_status(ctx, beneficiary, None)
        if kind == "schedule":
            return payment_schedule(ctx, beneficiary, None)
        if kind == "amount":
            return payment_amount(ctx, beneficiary)
        logger.warning("unknown USSD answer kind %r", kind)
        return ""
