"""Which of the asker's beneficiaries a message is about: the one it names (code, full name,
"mệ Lài", "TC Lài", a capitalised given name), else the only one, else the one chosen last."""
from __future__ import annotations

import logging
import re

from core.models import Beneficiary
from core.vietnamese_text import fold

logger = logging.getLogger(__name__)

# Words that come before a name when people speak of someone (Huế forms included: mệ, ôn, o).
TITLES = ("me", "ba", "on", "ong", "chau", "co", "o", "chu", "bac", "di", "cau", "mu", "anh", "chi", "em",
          "be",
          "thim", "mo", "cu", "cua")
KEYWORDS = ("tc", "lich", "ls", "muc", "dk")
_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    return _WORD.findall(text or "")


def named_in(text: str, beneficiaries: list[tuple[Beneficiary, str]]) -> list[tuple[Beneficiary, str]]:
    """The beneficiaries this text names; empty when it names none of them."""
    raw = _words(text)
    folded = [fold(word) for word in raw]
    padded = f" {' '.join(folded)} "
    all_caps = (text or "").isupper()
    after_keyword = folded[1] if len(folded) > 1 and folded[0] in KEYWORDS else None
    found = []
    for beneficiary, role in beneficiaries:
        names = fold(beneficiary.full_name).split()
        if not names:
            continue
        given = names[-1]
        hit = (
            f" {fold(beneficiary.code)} " in padded
            or f" {' '.join(names)} " in padded
            or (len(names) > 2 and f" {' '.join(names[-2:])} " in padded)
            or after_keyword == given
            or any(f" {title} {given} " in padded for title in TITLES)
            or (not all_caps and any(word[:1].isupper() and fold(word) == given for word in raw))
        )
        if hit:
            found.append((beneficiary, role))
    return found


def by_code(code: str | None, beneficiaries: list[tuple[Beneficiary, str]]) -> list[tuple[Beneficiary, str]]:
    if not code:
        return []
    wanted = code.strip().upper()
    return [(b, role) for b, role in beneficiaries if b.code.upper() == wanted]


def given_name(beneficiary: Beneficiary) -> str:
    parts = beneficiary.full_name.split()
    return parts[-1] if parts else beneficiary.code
