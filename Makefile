# Two commands for a newcomer: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-load clean

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/python -m bot $(ARGS)

test: $(STAMP)
	$(VENV)/bin/python -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(STAMP)
	$(VENV)/bin/python bench/bench_criteria.py
	$(VENV)/bin/python bench/bench_interview.py
	$(VENV)/bin/python bench/bench_documents.py
	$(VENV)/bin/python bench/bench_load.py --quick

# levelcheck beside a bare echo bot under 50 simulated engineers; options: ARGS="--db postgres --mode webhook ..."
bench-load: $(STAMP)
	$(VENV)/bin/python bench/bench_load.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
