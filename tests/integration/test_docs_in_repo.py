"""The repository stands on its own: no tracked file (CI's own scripts aside) refers to the
folder beside the checkout that some developers have, every document a file mentions (`X.md`)
is in the repository, and every relative link of the Markdown files leads to a file there."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Spelled in pieces, so this file does not name what it looks for.
OUTSIDE = re.compile("|".join(re.escape(p) for p in ("../" + "shared", "shared" + "/docs",
                                                     "shared" + "/nlu")))
DOC_NAME = re.compile(r"\b([A-Z][A-Z_]+\.md)\b")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _tracked() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name for name in names.decode().split("\0") if name and not name.startswith(".ci/")]


def _texts() -> dict[Path, str]:
    texts = {}
    for path in _tracked():
        if path.is_file() and path.stat().st_size < 5_000_000:
            try:
                texts[path] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue  # a binary file
    return texts


def test_no_tracked_file_refers_to_the_folder_beside_the_checkout():
    found = [f"{path.relative_to(ROOT)}:{n}" for path, text in _texts().items()
             for n, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)]
    assert not found, found


def test_every_document_a_file_names_is_in_the_repository():
    known = {path.name for path in [*ROOT.glob("*.md"), *ROOT.glob("docs/*.md")]}
    named = {(name, str(path.relative_to(ROOT)))
             for path, text in _texts().items() for name in DOC_NAME.findall(text)}
    assert {"INTERFACES.md", "DOMAIN.md", "ARCHITECTURE.md", "IMPORTS.md"} <= known
    assert not [pair for pair in named if pair[0] not in known], sorted(p for p in named if p[0] not in known)


def test_every_relative_link_of_the_markdown_files_exists():
    broken = []
    for path, text in _texts().items():
        if path.suffix != ".md":
            continue
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:|#", target):
                continue  # a web address or an anchor on the same page
            if not (path.parent / target.split("#")[0]).exists():
                broken.append(f"{path.relative_to(ROOT)}: {target}")
    assert not broken, broken
