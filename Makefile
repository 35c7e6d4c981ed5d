# sendwatch: the verbs people type.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8001

.PHONY: demo test install install-test lint bench serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

demo: install
	$(BIN)/sendwatch demo --port $(PORT)

test: install-test
	$(BIN)/python -m pytest -q

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install-test
	$(BIN)/python bench/bench_extract.py
	$(BIN)/python bench/bench_datasette.py
	$(BIN)/python bench/bench_crawl.py

serve: install
	$(BIN)/sendwatch serve --port $(PORT)

clean:
	rm -rf data/demo test-output .pytest_cache
