"""Payment providers' names: officers write one provider many ways ("Viettel", "ViettelPay",
"VIETTEL MONEY", "Bưu điện - VietinBank"), and each must be stored and counted under one name,
or the province's indicators grow a "Viettel" row beside "Viettel Money".

The names are data (table `provider_aliases`), so a province adds its own with
`ansinh provider alias`; DEFAULT_ALIASES are loaded with the reference data and never overwrite
what a deployment changed. A written name is matched after folding case, diacritics, spacing and
punctuation, then dropping a leading generic word ("Ví", "Ngân hàng", "NH"…); failing an exact
match, the longest alias its first words spell wins ("Bưu điện Phú Vang" is the post office).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from functools import lru_cache

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.models import Beneficiary, Payment, ProviderAlias
from core.vietnamese_text import fold

logger = logging.getLogger(__name__)

NAME_LENGTH = 60  # Beneficiary.provider, Payment.provider and the alias columns

# The one name each provider is stored under: the names officers write for it.
DEFAULT_ALIASES: dict[str, tuple[str, ...]] = {
    "Viettel Money": ("Viettel", "ViettelPay", "Viettel Pay", "Viettel Money", "Mobile Money Viettel"),
    "VNPost – VietinBank": ("VNPost", "VN Post", "Vietnam Post", "Bưu điện", "Bưu điện Việt Nam", "BĐVN",
                            "Bưu điện - VietinBank", "VNPost - VietinBank", "VietinBank", "Vietin Bank"),
    "VNPT Money": ("VNPT Money", "VNPT", "VNPT Pay", "VNPTPay"),
    "MoMo": ("MoMo", "Ví MoMo", "M_Service"),
    "Agribank": ("Agribank", "Ngân hàng Nông nghiệp", "NHNo&PTNT", "NH Nông nghiệp và PTNT"),
    "Vietcombank": ("Vietcombank", "VCB", "Ngân hàng Ngoại thương"),
    "BIDV": ("BIDV", "Ngân hàng Đầu tư và Phát triển"),
}

# Leading words that name the kind of account, not the provider ("Ví MoMo", "NH Agribank").
GENERIC_LEADS = (("vi", "dien", "tu"), ("ngan", "hang"), ("tai", "khoan"), ("vi",), ("nh",), ("tk",))
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _words(written: str) -> list[str]:
    """'Ví  Viettel-Money' -> ['viettel', 'money']: folded words without a generic lead."""
    words = _NOT_ALNUM.sub(" ", fold(written)).split()
    for lead in GENERIC_LEADS:
        if len(words) > len(lead) and tuple(words[:len(lead)]) == lead:
            return words[len(lead):]
    return words


@lru_cache(maxsize=4096)
def alias_key(written: str) -> str:
    """The form names are compared in: 'Bưu điện - VietinBank' -> 'buudienvietinbank'."""
    return "".join(_words(written))[:NAME_LENGTH]


class ProviderNames:
    """The alias table in memory, loaded once per import (never per row)."""

    def __init__(self, aliases: Mapping[str, str]):
        self._aliases = dict(aliases)  # alias_key -> provider
        self.known = frozenset(self._aliases.values())

    @classmethod
    def load(cls, session: Session) -> ProviderNames:
        return cls(dict(session.execute(select(ProviderAlias.key, ProviderAlias.provider)).all()))

    def canonical(self, written: str) -> str | None:
        """The provider a written name means, or None when no alias matches."""
        if written in self.known:
            return written
        words = _words(written)
        for count in range(len(words), 0, -1):
            provider = self._aliases.get("".join(words[:count])[:NAME_LENGTH])
            if provider is not None:
                return provider
        return None


def seed_providers(session: Session) -> int:
    """Insert the default aliases a deployment lacks; returns how many."""
    existing = set(session.scalars(select(ProviderAlias.key)))
    added = 0
    for provider, names in DEFAULT_ALIASES.items():
        for written in (provider, *names):
            key = alias_key(written)
            if key and key not in existing:
                session.add(ProviderAlias(key=key, written=written, provider=provider))
                existing.add(key)
                added += 1
    session.flush()
    return added


def set_alias(session: Session, written: str, provider: str) -> tuple[str, bool]:
    """Make `written` mean `provider` from now on. A `provider` that is already one of a
    provider's names means that provider. Returns (the provider's one name, whether it is new)."""
    written, provider = " ".join(written.split())[:NAME_LENGTH], " ".join(provider.split())[:NAME_LENGTH]
    if not alias_key(written) or not alias_key(provider):
        raise ValueError("a provider's name needs a letter or a digit")
    existing = session.get(ProviderAlias, alias_key(provider))
    new = existing is None
    if new:
        session.add(ProviderAlias(key=alias_key(provider), written=provider, provider=provider))
    else:
        provider = existing.provider
    row = session.get(ProviderAlias, alias_key(written))
    if row is None:
        session.add(ProviderAlias(key=alias_key(written), written=written, provider=provider))
    else:
        row.provider = provider
    session.flush()
    return provider, new


def rename_stored(session: Session) -> int:
    """Store every beneficiary's and payment's provider under its one name (after an alias was
    added, or for rows imported before names were matched). Returns the names changed."""
    names = ProviderNames.load(session)
    changed = 0
    for model in (Beneficiary, Payment):
        names_stored = select(model.provider).where(model.provider.is_not(None)).distinct()
        for stored in list(session.scalars(names_stored)):
            provider = names.canonical(stored)
            if provider is not None and provider != stored:
                session.execute(update(model).where(model.provider == stored).values(provider=provider))
                changed += 1
    if changed:
        logger.info("renamed %d stored provider names to their one name", changed)
    return changed
