"""Build tests/data/nlu_corpus.jsonl from the hand-written nlu_corpus_base.txt.

    .venv/bin/python tests/data/nlu_make_corpus.py

Each base message is written out as typed, plus one deterministic writing variant (no diacritics,
NFD, ALL CAPS, teencode, a typo, a polite particle or address). Every 5th base message of an intent
section is held out ("split": "test") together with all its variants, so the rules are never tuned
on a held-out message in any spelling. Later batches (after `%tuned`) were first measured as fresh
text, then used for tuning, so they are all training data. Periods are relative to 2026-11-26.
"""
from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = HERE / "nlu_corpus_base.txt"
OUT = HERE / "nlu_corpus.jsonl"
KEYWORDS = {"dk", "đk", "huy", "huỷ", "hủy", "stop", "tc", "lich", "ls", "giup", "en", "vi"}
QUESTION_INTENTS = {"payment_status", "payment_schedule", "payment_amount", "payment_history",
                    "payment_method", "eligibility", "contact_officer", "help"}
PREFIXES = ["Dạ ", "Cho hỏi ", "O ơi, ", "Cháu ơi cho bà hỏi ", "Ad ơi ", "Anh ơi cho em hỏi ",
            "Dạ cho con hỏi ", "Chị ơi "]
SUFFIXES = [" ạ", " hỉ", " nghe", " với", " rứa", " hè", " nhé", " nha", " o ơi", " ad ơi"]
TEEN = [
    (r"\bkhông\b", ["ko", "k", "hok", "hông", "khg"]),
    (r"\bđược\b", ["dc", "đc", "dk"]),
    (r"\btài khoản\b", ["tk"]),
    (r"\bgì\b", ["j"]),
    (r"\brồi\b", ["r", "rùi"]),
    (r"\bvậy\b", ["z", "zậy"]),
    (r"\bbao nhiêu\b", ["bn", "bnhieu", "nhiu"]),
    (r"\bvới\b", ["vs"]),
    (r"\bngười\b", ["ng"]),
    (r"\bsố điện thoại\b", ["sđt", "sdt"]),
    (r"\bbiết\b", ["bít"]),
    (r"\bmuốn\b", ["mún"]),
    (r"\btháng\b", ["thg", "th"]),
    (r"\bnhé\b", ["nha"]),
    (r"\bthế nào\b", ["ntn"]),
]


def strip_diacritics(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def teencode(text: str, rnd: random.Random) -> str:
    text = text.lower()
    for pattern, choices in TEEN:
        text = re.sub(pattern, lambda _m, options=choices: rnd.choice(options), text)
    return strip_diacritics(text) if rnd.random() < 0.5 else text


def typo(text: str, rnd: random.Random) -> str:
    words = text.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not candidates:
        return strip_diacritics(text)
    i = rnd.choice(candidates)
    w = strip_diacritics(words[i])
    k = rnd.randrange(1, len(w) - 2)
    op = rnd.choice(["swap", "drop", "double"])
    if op == "swap":
        w = w[:k] + w[k + 1] + w[k] + w[k + 2:]
    elif op == "drop":
        w = w[:k] + w[k + 1:]
    else:
        w = w[:k] + w[k] + w[k:]
    words[i] = w
    return strip_diacritics(" ".join(words)) if rnd.random() < 0.6 else " ".join(words)


def variant(text: str, intent: str, rnd: random.Random) -> tuple[str, str]:
    first = text.split()[0].lower().strip(",.!?") if text.split() else ""
    if first in KEYWORDS and len(text.split()) <= 4:
        kind = rnd.choice(["nodiac", "upper", "lower"])
    else:
        kind = rnd.choice(["nodiac", "nodiac", "nfd", "upper", "teen", "teen", "typo", "polite"])
    if kind == "nodiac":
        return kind, strip_diacritics(text)
    if kind == "lower":
        return kind, text.lower()
    if kind == "nfd":
        return kind, unicodedata.normalize("NFD", text)
    if kind == "upper":
        return kind, text.upper()
    if kind == "teen":
        return kind, teencode(text, rnd)
    if kind == "typo":
        return kind, typo(text, rnd)
    body = text.rstrip("?.! ")
    if intent in QUESTION_INTENTS and rnd.random() < 0.6:
        return kind, rnd.choice(PREFIXES) + body[:1].lower() + body[1:]
    return kind, body + rnd.choice(SUFFIXES)


def base_items() -> list[tuple[str, str, str | None, bool]]:
    """(intent, text, period, tuned) where `tuned` marks batches written after the rules existed and
    used to tune them (after a `%tuned` line): those are always training data."""
    items, intent, tuned = [], None, False
    for raw in BASE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line == "%tuned":
            tuned = True
            continue
        if line.startswith("## "):
            intent = line[3:].strip()
            continue
        if not line or line.startswith("#"):
            continue
        text, _, period = line.partition(" | ")
        items.append((intent, text.strip(), period.strip() or None, tuned))
    return items


def main() -> None:
    rnd = random.Random(20261126)
    rows, position = [], {}
    for intent, text, period, tuned in base_items():
        index = position[intent] = position.get(intent, -1) + 1
        split = "test" if index % 5 == 4 and not tuned else "train"
        group = f"{intent}-{index}"
        rows.append({"text": text, "intent": intent, "period": period, "split": split,
                     "variant": "plain", "group": group})
        kind, other = variant(text, intent, rnd)
        if other != text:
            rows.append({"text": other, "intent": intent, "period": period, "split": split,
                         "variant": kind, "group": group})
    with OUT.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} messages written to {OUT}")


if __name__ == "__main__":
    main()
