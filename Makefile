# govreports — every target installs what it needs on a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)

.PHONY: install demo test bench dev dashboard docs clean browser

install: $(STAMP)

# Pinned: requirements.lock is the resolved set (dbt-core 1.11.x: 1.12 cannot install offline).
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: install
	$(BIN)/govreports demo

test: install browser
	$(BIN)/python -m pytest -q -p no:cacheprovider

# Debian's Chromium (+ CJK fonts) for the dashboard's browser tests; root on CI. Best effort: when
# it cannot be installed the browser tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    chromium fonts-noto-cjk >/dev/null ; } || echo "chromium not installed: browser tests will skip"

bench: install
	$(BIN)/python bench/bench_parse.py
	$(BIN)/python bench/bench_crawl.py --quick
	$(BIN)/python bench/bench_dbt.py

dev: install
	$(BIN)/dagster dev -m pipelines.definitions

dashboard: install
	$(BIN)/streamlit run pipelines/dashboard/app.py --server.address 127.0.0.1 \
	  --browser.gatherUsageStats false --client.toolbarMode viewer

docs: install
	$(BIN)/dbt docs generate --project-dir dbt_project --profiles-dir dbt_project
	@echo "view: $(BIN)/python -m http.server 8080 --bind 127.0.0.1 --directory dbt_project/target"

clean:
	rm -rf data/archive data/warehouse.duckdb data/dagster data/demo dbt_project/target
