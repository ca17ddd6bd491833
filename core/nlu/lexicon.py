"""The rule files, read: core/nlu/rules/<intent>.txt holds the weighted phrases of one intent,
rules/shared.txt the tags several intents combine (`## __where`, then one phrase a line).

A rule is `weight phrase` or `weight phrase + other` (both must be in the message), optionally
followed by `; reason`. A comment line gives the reason for the rules under it, up to the next
blank line. Every rule remembers its file and line, so explain() can say where a score came from."""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

RULES_DIR = Path(__file__).resolve().parent / "rules"
SHARED = "shared"
_RULE = re.compile(r"^(-?\d+(?:\.\d+)?)\s+(.+?)\s*$")


@dataclass(frozen=True)
class Rule:
    source: str  # "payment_status.txt:12"
    intent: str  # an intent, or a `__tag` for the lines of shared.txt
    weight: float  # 0 for a tag line
    parts: tuple[str, ...]  # normalised phrase, or two for `phrase + other`
    reason: str  # the rule's own `; reason` or the comment above it, "" when none


@dataclass(frozen=True)
class Lexicon:
    phrases: dict[str, tuple[tuple[str, float], ...]]
    pairs: dict[str, tuple[tuple[str, str, float], ...]]
    tags: dict[str, tuple[str, ...]]  # phrase -> tags it raises ("ở đâu" -> __where)
    prefixes: frozenset[str]  # every phrase and its leading words: where to stop extending a match
    vocabulary: frozenset[str]
    sources: dict[tuple[str, str], str]  # (intent, phrase or "phrase + other") -> "file.txt:line"


def rule_files(directory: Path = RULES_DIR) -> list[Path]:
    return sorted(directory.glob("*.txt"))


def read_rules(files: Iterable[Path], tokenize: Callable[[str], Iterable[str]]) -> Iterator[Rule]:
    """Every rule and tag line of `files`; `tokenize` normalises a phrase as a message is."""
    for path in files:
        section = None if path.stem == SHARED else path.stem
        reason = ""
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.strip()
            if not line:
                reason = ""
                continue
            if line.startswith("## ") and path.stem == SHARED:
                section, reason = line[3:].strip(), ""
                continue
            if line.startswith("#"):
                reason = line.lstrip("#").strip()
                continue
            body, _, own_reason = line.partition(";")
            body, why = body.strip(), own_reason.strip() or reason
            source = f"{path.name}:{number}"
            if section is None:
                raise ValueError(f"{source}: a line before any `## __tag` section")
            if section.startswith("__"):
                yield Rule(source, section, 0.0, (_phrase(body, tokenize),), why)
                continue
            match = _RULE.match(body)
            if not match:
                raise ValueError(f"{source}: not `weight phrase`: {line!r}")
            parts = tuple(_phrase(p.strip(), tokenize) for p in match.group(2).split(" + "))
            yield Rule(source, section, float(match.group(1)), parts, why)


def compile_lexicon(rules: Iterable[Rule]) -> Lexicon:
    phrases: dict[str, list[tuple[str, float]]] = {}
    pairs: dict[str, list[tuple[str, str, float]]] = {}
    tags: dict[str, list[str]] = {}
    sources: dict[tuple[str, str], str] = {}
    for rule in rules:
        sources[(rule.intent, " + ".join(rule.parts))] = rule.source
        if rule.intent.startswith("__"):
            tags.setdefault(rule.parts[0], []).append(rule.intent)
        elif len(rule.parts) == 1:
            phrases.setdefault(rule.parts[0], []).append((rule.intent, rule.weight))
        else:
            pairs.setdefault(rule.parts[0], []).append((rule.parts[1], rule.intent, rule.weight))
            phrases.setdefault(rule.parts[1], [])
    words = [p.split() for p in list(phrases) + list(pairs) + list(tags) if not p.startswith("__")]
    return Lexicon(
        phrases={k: tuple(v) for k, v in phrases.items()},
        pairs={k: tuple(v) for k, v in pairs.items()},
        tags={k: tuple(v) for k, v in tags.items()},
        prefixes=frozenset(" ".join(w[:n]) for w in words for n in range(1, len(w) + 1)),
        vocabulary=frozenset(t for w in words for t in w if t.isalpha()),
        sources=sources,
    )


def _phrase(text: str, tokenize) -> str:
    if text.startswith("__"):
        return text
    return " ".join(tokenize(text.replace("#", "1")))


@dataclass(frozen=True)
class Match:
    phrase: str  # "tien + ve chua" for a pair
    intent: str
    weight: float
    source: str  # "payment_status.txt:12"


@dataclass(frozen=True)
class Explanation:
    tokens: tuple[str, ...]
    scores: dict[str, float]
    matches: tuple[Match, ...]  # every rule the message matched
    asked: tuple[Match, ...]  # the rules matched again after "xin hỏi", at their bonus weight
    model: str = ""  # the learned model's reading and its part in the decision (core.nlu.combine)

    def __str__(self) -> str:
        ranked = sorted(self.scores.items(), key=lambda item: -item[1])
        lines = [" ".join(self.tokens), "  ".join(f"{intent} {value:g}" for intent, value in ranked)]
        lines += [f"{m.weight:>+5g} {m.intent:<16} {m.phrase:<30} {m.source}" for m in self.matches]
        lines += [f"{m.weight:>+5g} {m.intent:<16} {m.phrase:<30} {m.source} (the question)"
                  for m in self.asked]
        if self.model:
            lines.append(self.model)
        return "\n".join(lines)


def matched_rules(lexicon: Lexicon, found: set[str], factor: float = 1.0) -> tuple[Match, ...]:
    """The rules behind a score, from the phrases core.nlu.scoring found in a message."""
    out = []
    for phrase in sorted(found):
        for intent, weight in lexicon.phrases.get(phrase, ()):
            out.append(Match(phrase, intent, weight * factor, lexicon.sources.get((intent, phrase), "?")))
        for other, intent, weight in lexicon.pairs.get(phrase, ()):
            if other in found:
                key = f"{phrase} + {other}"
                out.append(Match(key, intent, weight * factor, lexicon.sources.get((intent, key), "?")))
    return tuple(out)
