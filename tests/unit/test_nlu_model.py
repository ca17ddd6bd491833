"""The learned half of the NLU (core.nlu.model, core.nlu.combine): the committed weights load in
pure Python, read messages as the trainer (bench/nlu_train.py, scikit-learn) decided them, take
over from the rules where they are surer, and say so in explain()."""
from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from core.nlu import _NORMALIZER, INTENTS, explain, model, parse

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


def test_a_thanks_around_a_request_stays_the_request():
    assert parse("cam on ad, em ve o voi ong roi, ad tat thong bao cho em nha", TODAY).intent == "stop"


def test_messages_of_numbers_only_are_the_rules_alone():
    assert parse("0905123456 -> 0779123456", TODAY).intent == "report_change"  # a new number


def test_without_the_weights_file_the_rules_decide_alone(tmp_path):
    assert model.load(tmp_path / "missing.bin") is None


def test_reading_a_message_imports_neither_scikit_learn_nor_numpy():
    code = ("import sys, datetime; from core.nlu import parse; parse('tiền về chưa', datetime.date.today()); "
            "print(sorted(m for m in ('sklearn', 'numpy', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"
