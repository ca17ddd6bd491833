"""The learned half of the NLU (core.nlu.model, core.nlu.combine): the committed weights load in
pure Python, read messages as the trainer (bench/nlu_train.py, scikit-learn) decided them, take
over from the rules where they are surer, and say so in explain()."""
from __future__ import annotations

import math
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from core.nlu import _NORMALIZER, INTENTS, explain, model, parse
from core.nlu.combine import combine
from core.nlu.model import Reading

TODAY = date(2026, 12, 7)
ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_weights_load_and_are_small():
    learned = model.load()
    assert learned is not None
    assert set(learned.intents) == set(INTENTS)
    assert 1_000 <= len(learned.weights) <= 20_000
    assert model.WEIGHTS.stat().st_size < 300_000


def test_the_run_time_reader_decides_as_the_trainer_did():
    learned = model.load()
    checks = model.read_checks()
    assert len(checks) >= 10 and len({c["intent"] for c in checks}) >= 10
    for check in checks:
        assert learned.read(_NORMALIZER.normalize(check["text"]).tokens).intent == check["intent"], check


def test_exported_weights_read_as_scikit_learn_does(tmp_path):
    """Trained on a small part of the corpus here, exported, loaded back and read on every message:
    the same decisions as scikit-learn's, but for quantisation at near ties."""
    pytest.importorskip("sklearn")
    sys.path.insert(0, str(ROOT))
    from bench import nlu_train

    rows = nlu_train.rows(["examples", "fresh"])[:800]
    vectorizer, trained = nlu_train.train(rows)
    path = tmp_path / "m.bin"
    path.write_bytes(nlu_train.export(vectorizer, trained, []))
    learned = model.load(path)
    tokens = [nlu_train.tokens_of(row["text"]) for row in rows]
    expected = trained.predict(vectorizer.transform(tokens))
    agree = sum(learned.read(t).intent == e for t, e in zip(tokens, expected))
    assert agree >= 0.99 * len(rows)


def test_the_model_decides_where_the_rules_are_unsure_and_explain_says_so():
    text = "Rút tiền ở đại lý bị thu 20 nghìn phí, rứa là răng?"  # a fee taken: a grievance
    assert parse(text, TODAY).intent == "complaint"
    told = str(explain(text, TODAY)).splitlines()[-1]
    assert told.startswith("model: complaint") and "decided" in told
    assert "the rules read payment_method" in told


def test_explain_says_when_the_rules_decided():
    told = str(explain("tiền tháng 11 của mệ về chưa", TODAY)).splitlines()[-1]
    assert told.startswith("model: payment_status") and "agrees" in told
    assert "not asked" in str(explain("TC 11", TODAY)).splitlines()[-1]  # a keyword


def test_a_thanks_around_a_request_keeps_the_request_offered():
    result = parse("cam on ad, em ve o voi ong roi, ad tat thong bao cho em nha", TODAY)
    assert "stop" in (result.intent, *result.choices)


def _reading(**probabilities: float) -> Reading:
    """A model reading with these probabilities (the rest shared out evenly)."""
    rest = [i for i in INTENTS if i not in probabilities]
    left = (1.0 - sum(probabilities.values())) / len(rest)
    full = {**probabilities, **{i: left for i in rest}}
    return Reading(tuple(full), tuple(math.log(p) for p in full.values()))


def test_the_model_decides_above_a_third_and_is_asked_about_until_sure():
    disputed = combine("payment_status", 0.8, (), _reading(payment_history=0.6, payment_status=0.3))
    assert (disputed.intent, disputed.by_model) == ("payment_history", True)
    assert disputed.choices[:2] == ("payment_history", "payment_status")  # disputed below 0.7: asked
    assert combine("payment_status", 0.8, (), _reading(payment_history=0.75)).choices == ()
    weak = combine("payment_status", 0.8, (), _reading(payment_history=0.25, payment_status=0.2))
    assert (weak.intent, weak.by_model) == ("payment_status", False)  # at or below a third: the rules'


def test_a_shared_reading_is_answered_from_an_even_chance():
    assert combine("complaint", 0.4, ("complaint",), _reading(complaint=0.55)).choices == ()
    assert combine("complaint", 0.9, (), _reading(complaint=0.45)).choices[0] == "complaint"


def test_an_unsure_out_of_scope_reading_offers_the_likely_meanings():
    unsure = combine("unknown", 0.9, (), _reading(unknown=0.35, contact_officer=0.3))
    assert (unsure.intent, unsure.choices) == ("unknown", ("contact_officer",))
    assert combine("unknown", 0.9, (), _reading(unknown=0.6, contact_officer=0.3)).choices == ()


def test_another_offices_money_stays_out_of_scope():
    decision = combine("unknown", 0.7, (), _reading(payment_status=0.9), elsewhere=True)
    assert (decision.intent, decision.choices, decision.by_model) == ("unknown", (), False)


def test_messages_of_numbers_only_are_the_rules_alone():
    assert parse("0905123456 -> 0779123456", TODAY).intent == "report_change"  # a new number


def test_without_the_weights_file_the_rules_decide_alone(tmp_path):
    assert model.load(tmp_path / "missing.bin") is None


def test_reading_a_message_imports_neither_scikit_learn_nor_numpy():
    code = ("import sys, datetime; from core.nlu import parse; parse('tiền về chưa', datetime.date.today()); "
            "print(sorted(m for m in ('sklearn', 'numpy', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"
