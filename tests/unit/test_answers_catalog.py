"""Every sentence the dialog and the answers can say is in both catalogs (Vietnamese first), with
the same placeholders — so nobody ever reads an English msgid or a raw '%(name)s'."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["core/conversation/identity.py", "core/conversation/registration.py", "core/complaints/tickets.py",
           "core/conversation/knowledge.py", "core/privacy/audit.py", "ansinh/commands/ask.py",
           *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "core/answers").glob("*.py")),
           *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "core/conversation").glob("*.py"))]
KEYWORDS = {"_": None, "N_": None, "p_": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _messages() -> set[tuple[str | None, str]]:
    found = set()
    for source in SOURCES:
        # The project's extraction (babel.cfg): N_also_ussd("…") counts as both of its entries.
        for _line, message, _comments, context in extract_from_file("core.i18n:extract_python", ROOT / source,
                                                                     keywords=KEYWORDS):
            found.add((context, message))
    return found


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_dialog_message_is_translated(language):
    with (ROOT / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    messages = _messages()
    assert len(messages) > 150
    missing, broken = [], []
    for context, msgid in sorted(messages, key=str):
        entry = catalog.get(msgid, context=context)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append((context, msgid))
        elif set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(entry.string)):
            broken.append(msgid)
    assert not missing, f"{language}: missing {missing[:5]}"
    assert not broken, f"{language}: placeholders differ in {broken[:5]}"


def test_vietnamese_differs_from_the_english_msgid():
    with (ROOT / "locales" / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    same = [
        m
        for c, m in _messages()
        if (entry := catalog.get(m, context=c))
        and entry.string == m
        and re.search("[a-z]{4}", PLACEHOLDER.sub("", m))
    ]
    assert not same, f"not translated into Vietnamese: {same[:5]}"
