"""Every screen of every USSD menu path of the demo identities, through Africa's Talking's wire
protocol, on the day the issue was found (07/12/2026): at most 182 characters with its navigation
line, and long answers cut only between items, sentences, phrases or words that may part
("(tu 1 den" / "3)" and "Nha" / "van hoa" were cut before, issue 18 item 18)."""
from __future__ import annotations

import itertools
import re
from datetime import date

import pytest

from core.clock import FakeClock
from ansinh.demo import DEMO_IDENTITIES, STRANGER_PHONE, load_demo
from tests import ussd_factories
from tests.page_seams import seam_problem

TODAY = date(2026, 12, 7)
KEYS = ["1", "2", "3", "4", "6", "9", "0", "7"]  # 5 (registration) asks for codes: its screens are short
DEPTH = 4
COMPLAINT_NUMBER = re.compile(r"PA-\d{4}-\d+")
GATEWAY_AUTH = getattr(ussd_factories, "USSD_AUTH", {})  # the gateway's credential, where routes require one
_sessions = itertools.count(1)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(TODAY)


@pytest.fixture
def demo(sessions):
    load_demo(sessions, TODAY, scale=0.01)
    return sessions


def dial(client, phone: str, path: list[str]) -> str:
    response = client.post("/ussd/africastalking", data={
        "sessionId": f"pages-{next(_sessions)}", "serviceCode": "*384*46#", "phoneNumber": phone,
        "networkCode": "45204", "text": "*".join(path)}, headers=GATEWAY_AUTH)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith(("CON ", "END ")) and len(body) <= 182 and body.isascii(), (len(body), body)
    return body[4:]


def split(screen: str) -> tuple[str, str]:
    """(body, navigation line) of an answer page."""
    body, _, nav = screen.rpartition("\n")
    return body, nav


def test_every_screen_of_every_path_fits_and_breaks_where_it_may(client, demo):
    next_page, error = "9 Tiep, 0 Quay lai", "Xin chon mot so trong danh sach."
    paged = seams = hints = 0
    for phone in [identity["phone"] for identity in DEMO_IDENTITIES] + [STRANGER_PHONE]:
        screens: dict[tuple[str, ...], str] = {(): dial(client, phone, [])}
        seen, frontier = {screens[()]}, [()]
        for _ in range(DEPTH):  # breadth first; a screen already met is not explored again
            grown = []
            for path in frontier:
                for key in KEYS:
                    screen = screens[(*path, key)] = dial(client, phone, [*path, key])
                    if screen not in seen:
                        seen.add(screen)
                        grown.append((*path, key))
            frontier = grown
        for path, screen in screens.items():
            body, nav = split(screen)
            assert not body.endswith("...") or body.startswith(error), (phone, path, screen)
            if nav == next_page and (*path, "9") in screens:
                after, _ = split(screens[(*path, "9")])
                if not after.startswith(error):
                    paged += 1
                    seams += 1
                    assert seam_problem(body, after) is None, (phone, path, seam_problem(body, after), body,
                                                               after)
            if body.startswith(error) and body.endswith("..."):
                shown = next(screens[path[:n]] for n in range(len(path) - 1, -1, -1)
                             # The page the wrong key was typed on
                             if not screens[path[:n]].startswith(error))
                # each replayed path files its complaint again, under the next number
                kept = COMPLAINT_NUMBER.sub("PA-#", body[len(error) + 1:-3])
                whole = COMPLAINT_NUMBER.sub("PA-#", split(shown)[0])
                assert whole.startswith(kept), (phone, path, kept, whole)
                rest = whole[len(kept):]
                after = rest.lstrip(" ,;:.\n")
                assert seam_problem(kept, after, rest[:len(rest) - len(after)]) is None, (kept, after)
                hints += 1
    assert paged >= 10 and seams >= 10 and hints >= 5, (paged, hints)
