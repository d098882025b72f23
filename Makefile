# Masanchi Sources: `make run` (set up + serve the app), `make test` (set up + run the tests).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1

.PHONY: setup index run test lint eval train bench load clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	# axe-core for the browser test's accessibility check (never downloaded at test time)
	command -v npm >/dev/null && npm install --silent --no-audit --no-fund --prefix .cache/node axe-core@4.14.1 \
	  || echo "npm missing: the browser test's axe-core check will be skipped"
	touch $@

index: setup          ## build the index if missing or stale (progress on stderr)
	$(PY) -m index build

run: index            ## serve the app on http://127.0.0.1:7860
	$(PY) app.py

test: setup           ## the whole test suite (what CI runs)
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check .

eval: index           ## run the evaluation set, write eval/report.md
	$(PY) -m eval

train: index          ## retrain ranker, confidence, refusal and bank thresholds (dev split only)
	$(PY) -m eval.train
	$(PY) -m eval.tune_refusal

bench: index          ## speed, memory and scale figures
	$(PY) -m bench

clean:
	rm -rf .cache .pytest_cache .ruff_cache
