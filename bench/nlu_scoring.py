"""Score the NLU on labelled message files (JSON lines {"text", "intent", "period"[, "style"]}):
intent accuracy overall and per style, recall of `unknown`, the month on messages that name one,
wrong answers given with high confidence, and how often the NLU would ask instead of answering
(core.nlu.unsure) on the messages it gets wrong and on those it gets right.

    python bench/nlu_scoring.py FILE... [--today YYYY-MM-DD] [--misses] [--model WEIGHTS | --rules-only]

Only aggregate numbers are printed. `--misses` also prints the messages read wrongly, and refuses
files whose name says "holdout": a held-out batch is scored, never read."""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

import core.nlu
from core.nlu import model, parse

HIGH_CONFIDENCE = 0.7  # a wrong answer at or above this, not asked about, is a confident mistake
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


def rows_of(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def today_for(path: Path) -> date:
    """The date a batch's months are relative to: the one in its name, else the day it was written."""
    found = _DATE_IN_NAME.search(path.name)
    if found:
        return date.fromisoformat(found.group(1))
    return date.fromtimestamp(path.stat().st_mtime)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def score_rows(rows: list[dict], today: date, parser=parse) -> tuple[dict, list[str]]:
    """(aggregate numbers, readable misses). A miss is a wrong intent or, where the message names a
    month, a wrong month; the numbers keep the two apart."""
    styles: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    intents_right = months_named = months_right = months_invented = 0
    unknown_total = unknown_found = confident_wrong = 0
    asked_wrong = asked_right = wrong = right = 0
    confusion: Counter = Counter()
    misses: list[str] = []
    for row in rows:
        result = parser(row["text"], today)
        good = result.intent == row["intent"]
        asked = bool(getattr(result, "choices", ()))
        style = styles[row.get("style") or "-"]
        style[1] += 1
        if good:
            intents_right += 1
            style[0] += 1
            right += 1
            asked_right += asked
        else:
            wrong += 1
            asked_wrong += asked
            confusion[(row["intent"], result.intent)] += 1
            if result.confidence >= HIGH_CONFIDENCE and not asked:
                confident_wrong += 1
            misses.append(f"{row['intent']} -> {result.intent} ({result.confidence:.2f}"
                          f"{', asks ' + '/'.join(result.choices) if asked else ''}): {row['text']}")
        if row["intent"] == "unknown":
            unknown_total += 1
            unknown_found += result.intent == "unknown"
        got = result.slots.get("period")
        if row.get("period"):
            months_named += 1
            months_right += got == row["period"]
            if got != row["period"]:
                misses.append(f"month {row['period']} -> {got}: {row['text']}")
        elif got and good:
            months_invented += 1
    numbers = {
        "messages": len(rows),
        "intent_accuracy": _ratio(intents_right, len(rows)),
        "per_style": {name: {"messages": n, "intent_accuracy": _ratio(ok, n)}
                      for name, (ok, n) in sorted(styles.items())},
        "unknown_recall": _ratio(unknown_found, unknown_total),
        "unknown_messages": unknown_total,
        "month_accuracy": _ratio(months_right, months_named),
        "months_named": months_named,
        "month_given_where_none_named": months_invented,
        "wrong_with_high_confidence": confident_wrong,
        "asks_on_misses": _ratio(asked_wrong, wrong),
        "asks_on_correct": _ratio(asked_right, right),
        "misses": wrong,
        "confusions": {f"{a} -> {b}": n for (a, b), n in confusion.most_common()},
    }
    return numbers, misses


def score_file(path: Path, today: date | None = None) -> tuple[dict, list[str]]:
    numbers, misses = score_rows(rows_of(path), today or today_for(path))
    return {"file": path.name, **numbers}, misses


def summary_line(numbers: dict) -> str:
    def pct(value):
        return "-" if value is None else f"{value:.1%}"
    styles = ", ".join(f"{k} {pct(v['intent_accuracy'])}" for k, v in numbers["per_style"].items())
    return (f"{numbers['file']}: {numbers['messages']} messages, intent {pct(numbers['intent_accuracy'])} "
            f"({styles}); unknown recall {pct(numbers['unknown_recall'])} of {numbers['unknown_messages']}; "
            f"month {pct(numbers['month_accuracy'])} of {numbers['months_named']}; "
            f"confident wrong {numbers['wrong_with_high_confidence']}; asks on misses "
            f"{pct(numbers['asks_on_misses'])}, on correct {pct(numbers['asks_on_correct'])}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--misses", action="store_true", help="print the misses (not for holdout files)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--model", type=Path, help="another weights file (bench/nlu_train.py --out)")
    parser.add_argument("--rules-only", action="store_true", help="without the learned model")
    args = parser.parse_args(argv)
    if args.rules_only or args.model:
        core.nlu._MODEL = None if args.rules_only else model.load(args.model)
    if args.misses and any("holdout" in path.name for path in args.files):
        print("refused: a holdout file is scored, never read (drop --misses)", file=sys.stderr)
        return 2
    for path in args.files:
        numbers, misses = score_file(path, args.today)
        print(json.dumps(numbers, ensure_ascii=False, indent=1) if args.json else summary_line(numbers))
        if args.misses:
            print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
