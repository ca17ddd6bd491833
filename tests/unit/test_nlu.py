"""The NLU against labelled messages: the held-out part of our corpus (never used to tune the
rules), the same messages rewritten without diacritics, in NFD and in capitals, and the project's
reference examples (tests/data/nlu_examples.jsonl, dated 2026-11-26). Failures print the
confusions, so a regression is readable."""
from __future__ import annotations

import json
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from core.nlu import INTENTS, parse
from core.nlu.normalize import fold_lower
from core.vietnamese_text import fold, strip_diacritics

TODAY = date(2026, 11, 26)
ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "nlu_corpus.jsonl"
EXAMPLES = ROOT / "tests" / "data" / "nlu_examples.jsonl"
VARIANTS = {
    "as written": lambda text: text,
    "no diacritics": strip_diacritics,
    "NFD": lambda text: unicodedata.normalize("NFD", text),
    "upper case": str.upper,
}


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


CORPUS_ROWS = _rows(CORPUS)
HELD_OUT = [row for row in CORPUS_ROWS if row["split"] == "test"]


def _score(rows: list[dict], rewrite=lambda text: text) -> tuple[float, float, list[str]]:
    """(intent accuracy, period accuracy, readable failures)."""
    intents = periods = 0
    failures, confusion = [], Counter()
    for row in rows:
        text = rewrite(row["text"])
        result = parse(text, TODAY)
        if result.intent == row["intent"]:
            intents += 1
        else:
            confusion[(row["intent"], result.intent)] += 1
            failures.append(f"intent {row['intent']} -> {result.intent}: {text!r}")
        if result.slots.get("period") == row["period"]:
            periods += 1
        else:
            failures.append(f"period {row['period']} -> {result.slots.get('period')}: {text!r}")
    failures += [f"confusion {want} -> {got}: {n}" for (want, got), n in confusion.most_common()]
    return intents / len(rows), periods / len(rows), failures


def test_the_corpus_is_big_balanced_and_well_formed():
    assert len(CORPUS_ROWS) >= 1800
    counts = Counter(row["intent"] for row in CORPUS_ROWS)
    assert set(counts) == set(INTENTS)
    assert min(counts.values()) >= 80, counts
    assert len(HELD_OUT) >= 300
    for row in CORPUS_ROWS:
        assert row["period"] is None or (len(row["period"]) == 7 and row["period"][4] == "-"), row
    held_out_groups = {row["group"] for row in HELD_OUT}
    assert not held_out_groups & {row["group"] for row in CORPUS_ROWS if row["split"] == "train"}


def test_held_out_accuracy():
    intent_accuracy, period_accuracy, failures = _score(HELD_OUT)
    print(f"held-out: {len(HELD_OUT)} messages, intent {intent_accuracy:.1%}, period {period_accuracy:.1%}")
    print("\n".join(failures))
    assert intent_accuracy >= 0.95, failures
    assert period_accuracy >= 0.97, failures


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_held_out_accuracy_in_every_writing_variant(variant):
    plain = [row for row in HELD_OUT if row["variant"] == "plain"]
    intent_accuracy, period_accuracy, failures = _score(plain, VARIANTS[variant])
    print(f"{variant}: intent {intent_accuracy:.1%}, period {period_accuracy:.1%}")
    assert intent_accuracy >= 0.90, failures
    assert period_accuracy >= 0.95, failures


def test_training_part_stays_learned():
    """The messages the rules were tuned on: a drop here means a rule change broke something."""
    train = [row for row in CORPUS_ROWS if row["split"] == "train"]
    intent_accuracy, period_accuracy, failures = _score(train)
    print(f"train: {len(train)} messages, intent {intent_accuracy:.1%}, period {period_accuracy:.1%}")
    assert intent_accuracy >= 0.97, failures
    assert period_accuracy >= 0.99, failures


@pytest.mark.parametrize("row", _rows(EXAMPLES), ids=lambda row: row["text"])
def test_reference_examples(row):
    result = parse(row["text"], TODAY)
    assert (result.intent, result.slots.get("period")) == (row["intent"], row["period"])


def test_folding_agrees_with_core_text_fold():
    for row in CORPUS_ROWS:
        lower, folded = fold_lower(row["text"])
        assert len(lower) == len(folded)
        assert " ".join(folded.split()) == fold(row["text"])


FRESH = ROOT / "tests" / "data" / "nlu_fresh_batches.jsonl"


def test_fresh_batches_stay_learned():
    """Batches written after the rules, by someone not looking at them; each was scored before any
    rule was changed for it (`before_tuning`), then the misses were fixed. They guard those fixes."""
    rows = _rows(FRESH)
    assert len(rows) >= 90 and {row["intent"] for row in rows} == set(INTENTS)
    intent_accuracy, period_accuracy, failures = _score(rows)
    print(f"fresh batches: {len(rows)} messages, intent {intent_accuracy:.1%}, period {period_accuracy:.1%}")
    assert intent_accuracy >= 0.97, failures
    assert period_accuracy >= 0.97, failures
