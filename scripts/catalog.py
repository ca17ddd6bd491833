"""Add or update one message in the vi and en catalogs, safely when several people edit at once.

    python scripts/catalog.py "Your payment for %(period)s" --vi "Tiền tháng %(period)s" [--en "…"] [--ctx
    ussd]

`make catalogs` later re-extracts messages.pot from the code and keeps these translations.
"""
from __future__ import annotations

import argparse
import fcntl
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def _load(language: str) -> Catalog:
    path = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if path.is_file():
        with path.open("rb") as handle:
            return read_po(handle, locale=language)
    return Catalog(locale=language, project="AnSinh", domain="messages")


def _save(language: str, catalog: Catalog) -> None:
    path = LOCALES / language / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.fuzzy = False  # a fuzzy header would make pybabel compile skip the whole catalog
    with path.open("wb") as handle:
        # As pybabel
        write_po(handle, catalog, width=76, sort_output=True, omit_header=False, include_previous=False)


def add(msgid: str, vi: str, en: str | None, ctx: str | None, comment: str | None) -> None:
    LOCALES.mkdir(exist_ok=True)
    with (LOCALES / ".catalog.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for language, text in (("vi", vi), ("en", en if en is not None else msgid)):
            catalog = _load(language)
            existing = catalog.get(msgid, context=ctx)
            if existing is not None:
                existing.string = text
                existing.flags.discard("fuzzy")
            else:
                catalog.add(msgid, text, context=ctx, auto_comments=[comment] if comment else ())
            _save(language, catalog)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("msgid")
    parser.add_argument("--vi", required=True)
    parser.add_argument("--en")
    parser.add_argument("--ctx")
    parser.add_argument("--comment", help="translator comment, e.g. a length limit")
    args = parser.parse_args()
    add(args.msgid, args.vi, args.en, args.ctx, args.comment)


if __name__ == "__main__":
    main()
