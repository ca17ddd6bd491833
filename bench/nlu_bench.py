"""NLU throughput: messages per second that core.nlu.parse reads on one core, over the labelled
corpus (repeated for at least 2 seconds), against the baseline of merely folding the same messages
with core.vietnamese_text.fold in the same run. Target: at least 5,000 messages per second.
In the same run: parse with the rules alone (the learned model switched off), the learned model's
read alone, and what the loaded model costs a process in memory (RSS, in a child process).
Then the accuracy on labelled files (bench/nlu_scoring.py): the development halves of the blind
batches in tests/data, or the files named in BENCH_NLU_FILES (comma-separated; aggregate numbers
only; name a held-out half there to score it).

    python -m bench nlu          # or: python bench/nlu_bench.py
    BENCH_NLU_FILES=/path/dev_a.jsonl,/path/holdout_a.jsonl make bench BENCH=nlu
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

import core.nlu
from bench.nlu_scoring import score_file, summary_line
from core.nlu import _NORMALIZER, parse
from core.vietnamese_text import fold

CORPUS = ROOT / "tests" / "data" / "nlu_corpus.jsonl"
TODAY = date(2026, 11, 26)
MIN_SECONDS = 2.0
TARGET = 5000
# The development halves only: a held-out half is scored when named, not on every run.
BLIND = sorted((ROOT / "tests" / "data").glob("nlu_blind_*_dev.jsonl"))


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
    learned, core.nlu._MODEL = core.nlu._MODEL, None
    try:
        rules_alone = _rate(lambda text: parse(text, TODAY), messages)
    finally:
        core.nlu._MODEL = learned
    tokens = {text: _NORMALIZER.normalize(text).tokens for text in messages}
    model_alone = _rate(lambda text: learned.read(tokens[text]), messages) if learned else None
    memory = _model_memory()
    result = {
        "messages": len(messages),
        "nlu_messages_per_second": round(nlu),
        "fold_messages_per_second": round(baseline),
        "nlu_cost_in_folds": round(baseline / nlu, 1),
        "target_messages_per_second": TARGET,
        "meets_target": nlu >= TARGET,
        "rules_alone_messages_per_second": round(rules_alone),
        "model_read_messages_per_second": round(model_alone) if model_alone else None,
        **memory,
    }
    print(f"nlu: {nlu:,.0f} messages/s ({len(messages)} messages), fold alone {baseline:,.0f}/s, "
          f"one parse costs {baseline / nlu:.1f} folds; target {TARGET:,}/s "
          f"{'met' if nlu >= TARGET else 'MISSED'}")
    print(f"  rules alone (model off) {rules_alone:,.0f}/s; with the model {nlu / rules_alone:.2f}× of that; "
          f"the model's read alone {model_alone or 0:,.0f}/s; RSS after `import core.nlu` "
          f"{memory['rss_import_nlu_kib']:,} KiB, one more model.load() +{memory['rss_model_kib']:,} KiB")
    named = [Path(p) for p in os.environ.get("BENCH_NLU_FILES", "").split(",") if p.strip()]
    result["accuracy"] = []
    for path in named or BLIND:
        numbers, _misses = score_file(path)
        print(summary_line(numbers))
        result["accuracy"].append(numbers)
    return result


_MEMORY = """def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
import core.nlu
from core.nlu import model
before = rss()
again = model.load()
print(before, rss() - before)
"""


def _model_memory() -> dict:
    """RSS (KiB) of a fresh process that imported core.nlu, and what loading the weights once more
    adds to it: the model's share of a worker's memory."""
    out = subprocess.run([sys.executable, "-c", _MEMORY], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    imported, model = (int(value) for value in out.stdout.split())
    return {"rss_import_nlu_kib": imported, "rss_model_kib": model}


if __name__ == "__main__":
    run()
