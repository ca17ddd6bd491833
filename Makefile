# The targets a newcomer looks for. Each makes its own virtual environment in .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint bench catalogs compile install install-test clean browser promtool kannel nlu-model

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## compile: build the .mo catalogs from locales/*/LC_MESSAGES/messages.po
CATALOGS := $(wildcard locales/*/LC_MESSAGES/messages.po)
compile: install $(CATALOGS:.po=.mo)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@ -l $*

## catalogs: extract messages.pot from the code and merge it into vi and en
catalogs: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k p_:1c,2 -k NP_:1c,2 \
	  --no-location --sort-output --project=AnSinh --copyright-holder=AnSinh \
	  -o locales/messages.pot core ussd bot console ansinh
	$(BIN)/pybabel update -N -i locales/messages.pot -d locales -D messages --ignore-obsolete
	$(BIN)/pybabel compile -d locales -D messages

## run: migrate, load the demo province into SQLite and serve on http://$(HOST):$(PORT)
run: compile
	$(BIN)/ansinh db upgrade
	$(BIN)/ansinh demo
	$(BIN)/ansinh serve --dev --host $(HOST) --port $(PORT)

## test: install the test dependencies and run the whole suite (with bytecode caching on, so the
## test modules' rewritten asserts and every started `ansinh` process reuse compiled code)
test: install-test compile browser promtool kannel
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest $(PYTEST_ARGS)

## browser: Debian's chromium for the console's browser tests (skipped quietly when apt is not ours)
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: browser tests will be skipped"; }

## promtool: Debian's prometheus package, whose promtool checks docs/monitoring's alert rules (skipped when apt is not ours)
promtool:
	@command -v promtool >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null) || \
	  echo "promtool not installed: the alert rules get the structural check only"; }

## kannel: Debian's Kannel (bearerbox, smsbox) and its fake SMSC for the Kannel SMS tests
kannel:
	@{ command -v bearerbox && { command -v fakesmsc || test -x /usr/lib/kannel/test/fakesmsc; }; } >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kannel kannel-extras >/dev/null) || \
	  echo "kannel not installed: the Kannel SMS tests will be skipped"; }

lint: install-test
	$(PY) -m pip install -q "ruff==0.17.6"
	$(BIN)/ruff check core ussd bot console ansinh tests bench

## nlu-model: retrain the NLU's learned model from tests/data (scikit-learn, deterministic) into
## core/nlu/model/intent_model.bin, which is committed; `make run` never needs scikit-learn
nlu-model: install
	$(PY) -m pip install -q -e '.[nlu-model]'
	$(PY) bench/nlu_train.py

## bench: run every benchmark and print ratios against their baselines
bench: install-test compile
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) || \
	  echo "wrk not installed: the web benchmark will be skipped"; }
	$(PY) -m bench $(BENCH)

clean:
	rm -rf $(VENV) instance .pytest_cache
