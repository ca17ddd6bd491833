"""Fixtures the console's sign-in and session tests share."""
from __future__ import annotations

import pytest

from tests.console_support import THUAN_HOA, make_officer


@pytest.fixture
def officers(sessions):
    """One commune officer, `lan` of Thuận Hóa, with the password PASSWORD (a test may define its own)."""
    with sessions.begin() as session:
        make_officer(session, "lan", "commune", THUAN_HOA)
    return sessions
