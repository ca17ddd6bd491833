"""The catalogs: messages.pot matches the code (run `make catalogs` when this fails), every
message has Vietnamese and English text, and placeholders survive translation."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
KEYWORDS = {"_": None, "N_": None, "p_": ((1, "c"), 2), "NP_": ((1, "c"), 2)}
METHODS = [("**.py", "core.i18n:extract_python"), ("**/templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _code_messages() -> set[tuple[str | None, str]]:
    found = set()
    for package in ("core", "ussd", "bot", "console", "ansinh"):
        for _file, _line, message, _comments, context in extract_from_dir(
            ROOT / package, METHODS, keywords=KEYWORDS,
            options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
        ):
            msgid = message[0] if isinstance(message, (tuple, list)) else message
            if msgid:
                found.add((context, msgid))
    return found


def _catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def test_pot_is_current():
    pot = {(m.context, m.id) for m in _catalog(LOCALES / "messages.pot") if m.id}
    code = _code_messages()
    missing, stale = code - pot, pot - code
    assert not missing and not stale, (
        f"locales/messages.pot is stale: run `make catalogs`. Missing: {sorted(missing)[:10]} Stale: "
        f"{sorted(stale)[:10]}"
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_message_is_translated_with_the_same_placeholders(language):
    catalog = _catalog(LOCALES / language / "LC_MESSAGES" / "messages.po")
    pot_ids = {(m.context, m.id) for m in _catalog(LOCALES / "messages.pot") if m.id}
    untranslated, broken = [], []
    for message in catalog:
        if not message.id or (message.context, message.id) not in pot_ids:
            continue
        if not message.string or message.fuzzy:
            untranslated.append(message.id)
        elif set(PLACEHOLDER.findall(message.id)) != set(PLACEHOLDER.findall(message.string)):
            broken.append(message.id)
    assert not untranslated, f"{language}: untranslated {untranslated[:10]}"
    assert not broken, f"{language}: placeholders differ in {broken[:10]}"


def test_no_message_hides_inside_an_f_string():
    """pybabel cannot see `_()` inside an f-string, so such a sentence would never be translated."""
    hidden = re.compile(r"""f(["']).*\{\s*[\w.]*\b(?:_|p_)\(\s*["']""")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("core", "ussd", "bot", "console", "ansinh")
        for path in (ROOT / package).rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if hidden.search(line)
    ]
    assert not offenders, offenders
