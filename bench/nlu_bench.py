"""NLU throughput: messages per second that core.nlu.parse reads on one core, over the labelled
corpus (repeated for at least 2 seconds), against the baseline of merely folding the same messages
with core.vietnamese_text.fold in the same run. Target: at least 5,000 messages per second.

    python -m bench nlu          # or: python bench/nlu_bench.py
"""
from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from core.nlu import parse
from core.vietnamese_text import fold

CORPUS = ROOT / "tests" / "data" / "nlu_corpus.jsonl"
TODAY = date(2026, 11, 26)
MIN_SECONDS = 2.0
TARGET = 5000


def _messages() -> list[str]:
    with CORPUS.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def _rate(step, messages: list[str]) -> float:
    """Messages per second of `step` over the corpus, repeated for at least MIN_SECONDS."""
    done, started = 0, time.perf_counter()
    while True:
        for text in messages:
            step(text)
        done += len(messages)
        elapsed = time.perf_counter() - started
        if elapsed >= MIN_SECONDS:
            return done / elapsed


def run() -> dict:
    messages = _messages()
    for text in messages:  # warm the caches as a long-running server would have them
        parse(text, TODAY)
    nlu = _rate(lambda text: parse(text, TODAY), messages)
    baseline = _rate(fold, messages)
    result = {
        "messages": len(messages),
        "nlu_messages_per_second": round(nlu),
        "fold_messages_per_second": round(baseline),
        "nlu_cost_in_folds": round(baseline / nlu, 1),
        "target_messages_per_second": TARGET,
        "meets_target": nlu >= TARGET,
    }
    print(f"nlu: {nlu:,.0f} messages/s ({len(messages)} messages), fold alone {baseline:,.0f}/s, "
          f"one parse costs {baseline / nlu:.1f} folds; target {TARGET:,}/s "
          f"{'met' if nlu >= TARGET else 'MISSED'}")
    return result


if __name__ == "__main__":
    run()
