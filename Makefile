# govreports — every target installs what it needs on a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)

.PHONY: install demo test bench dev dashboard docs clean

install: $(STAMP)

# Pinned: requirements.lock is the resolved set (dbt-core 1.11.x: 1.12 cannot install offline).
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: install
	$(BIN)/govreports demo

test: install
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: install
	$(BIN)/python bench/bench_parse.py
	$(BIN)/python bench/bench_crawl.py --quick
	$(BIN)/python bench/bench_dbt.py

dev: install
	$(BIN)/dagster dev -m pipelines.definitions

docs: install
	$(BIN)/dbt docs generate --project-dir dbt_project --profiles-dir dbt_project

clean:
	rm -rf data/archive data/warehouse.duckdb data/dagster data/demo dbt_project/target
