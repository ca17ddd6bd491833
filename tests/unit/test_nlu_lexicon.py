"""The rule files stay a lexicon people can keep: one file per intent plus shared.txt, no phrase
twice for one intent (a repeat adds up unseen; a repeat with the opposite sign cancels out), a
reason beside every rule that pushes down and every phrase that counts for two intents, and
explain() naming the file and line of each rule it used."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from core.nlu import _NORMALIZER, INTENTS, explain
from core.nlu.lexicon import RULES_DIR, SHARED, read_rules, rule_files

TODAY = date(2026, 11, 26)
VIRTUAL_TAGS = {"__qchua", "__future", "__code", "__phone", "__phones"}  # raised by core.nlu itself


def _rules():
    return list(read_rules(rule_files(), lambda phrase: _NORMALIZER.normalize(phrase).tokens))


def test_one_file_per_intent_and_one_for_shared_structure():
    names = {path.stem for path in rule_files()}
    assert names == set(INTENTS) | {SHARED}


def test_no_phrase_twice_for_one_intent_and_no_opposite_signs():
    seen: dict[tuple[str, tuple[str, ...]], list] = defaultdict(list)
    for rule in _rules():
        seen[(rule.intent, rule.parts)].append(rule)
    repeats = {key: [(r.source, r.weight) for r in rules] for key, rules in seen.items() if len(rules) > 1}
    cancelling = {key: found for key, found in repeats.items() if len({w > 0 for _s, w in found}) > 1}
    assert not cancelling, f"opposite signs for one phrase and intent: {cancelling}"
    assert not repeats, f"repeated phrases (merge them into one weight): {repeats}"


def test_rules_that_push_down_or_count_twice_say_why():
    rules = [rule for rule in _rules() if not rule.intent.startswith("__")]
    positive: dict[tuple[str, ...], list] = defaultdict(list)
    for rule in rules:
        if rule.weight > 0:
            positive[rule.parts].append(rule)
    unexplained = [rule.source for rule in rules if rule.weight < 0 and not rule.reason]
    unexplained += [rule.source for found in positive.values() if len(found) > 1
                    for rule in found if not rule.reason]
    assert not unexplained, f"give these a `; reason`: {unexplained}"


def test_every_tag_a_rule_uses_is_defined():
    rules = _rules()
    defined = {rule.intent for rule in rules if rule.intent.startswith("__")} | VIRTUAL_TAGS
    used = {part for rule in rules for part in rule.parts if part.startswith("__")}
    assert used <= defined, used - defined


def test_explain_names_the_file_and_line_of_each_rule_it_used():
    explanation = explain("Chào o, cho tui hỏi tiền tháng 11 của mệ về chưa rứa", TODAY)
    assert max(explanation.scores, key=explanation.scores.get) == "payment_status"
    assert explanation.matches and explanation.asked
    for match in explanation.matches:
        name, line = match.source.split(":")
        text = (RULES_DIR / name).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert name in (f"{match.intent}.txt", f"{SHARED}.txt")
        assert float(text.split()[0]) == match.weight
    assert "payment_status.txt:" in str(explanation)
