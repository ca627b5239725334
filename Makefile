# govreports — every target installs what it needs on a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TOOLS  := $(VENV)/build-tools
export DAGSTER_HOME := $(CURDIR)

.PHONY: install compiled demo test bench faults dev dashboard docs clean browser legacy-office fonts

install: $(STAMP) $(TOOLS)/.installed

# Pinned: requirements.lock is the resolved set (dbt-core 1.11.x: 1.12 cannot install offline).
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# Build tools of the compiled parser (mypy/mypyc, Cython, setuptools), beside the venv and not in it: mypy 2.4
# needs pathspec>=1.0, dbt-core 1.11 pathspec<0.13. Best effort: without them the parser is pure Python.
$(TOOLS)/.installed: requirements-build.lock $(STAMP)
	@rm -rf $(TOOLS).new
	@if $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-warn-conflicts \
	    --target $(TOOLS).new -r requirements-build.lock; then rm -rf $(TOOLS) && mv $(TOOLS).new $(TOOLS); \
	  else rm -rf $(TOOLS).new; echo "build tools not installed (pip failed): the parser will run as pure Python"; fi
	@mkdir -p $(TOOLS) && touch $@

# The parser compiled with mypyc, and the HTML reader's C walk with Cython (pipelines/parse/compiled):
# built when no build matches the parser's sources (hashes), the interpreter and the tools; checked equal to pure Python before it is used. Best
# effort: a failure prints one line and the parser runs as pure Python, and so does every run with
# GOVREPORTS_PURE_PYTHON=1 (then nothing is built either).
compiled: install
	@if [ -n "$$GOVREPORTS_PURE_PYTHON" ]; then \
	  echo "parser not compiled: GOVREPORTS_PURE_PYTHON is set — running pure Python"; \
	else GOVREPORTS_PURE_PYTHON=1 $(BIN)/python -m pipelines.parse.compiled build --tools $(TOOLS) --best-effort \
	  || echo "parser not compiled: the build command failed — running pure Python"; fi

demo: install fonts compiled
	$(BIN)/govreports demo

test: install fonts browser legacy-office compiled
	$(BIN)/python -m pytest -q -p no:cacheprovider

# Debian's Chromium (+ CJK fonts) for the dashboard's browser tests; root on CI. Best effort: when
# it cannot be installed the browser tests skip and say why.
browser: fonts
	@command -v chromium >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    chromium fonts-noto-cjk >/dev/null ; } || echo "chromium not installed: browser tests will skip"

# A CJK font (Debian's Noto CJK): the demo's scanned reports are rasterised from their text PDF,
# whose Chinese font is not embedded; without a system CJK font the scans carry no legible text.
fonts:
	@fc-list :lang=zh 2>/dev/null | grep -q . || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    fonts-noto-cjk fontconfig >/dev/null ; } || echo "no CJK font installed: the demo's scanned reports will be illegible"

# Debian's LibreOffice (Writer + Calc, no GUI) converts legacy .doc/.wps/.et attachments to DOCX/HTML;
# antiword is the text-only fallback. Best effort: without them the legacy-format tests skip and say why.
legacy-office:
	@{ command -v soffice >/dev/null 2>&1 && command -v antiword >/dev/null 2>&1 ; } || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libreoffice-writer-nogui libreoffice-calc-nogui antiword >/dev/null ; } \
	  || echo "libreoffice/antiword not installed: legacy .doc/.wps/.et tests will skip"

bench: install fonts legacy-office compiled
	$(BIN)/python bench/bench_parse.py
	$(BIN)/python bench/bench_crawl.py --quick
	$(BIN)/python bench/bench_dbt.py
	$(BIN)/python bench/bench_demo.py

# kill -9 at random points of crawl, parse and dbt (>= 20 kills), re-run, compare every mart with an
# uninterrupted run; then the hostile-file corpus (bench/bench_faults.py; ~30 min).
faults: install compiled
	$(BIN)/python bench/bench_faults.py

# PORT=8080 make dev / PORT=8600 make dashboard: another port on 127.0.0.1
dev: PORT ?= 3000
dev: install compiled
	$(BIN)/dg dev -h 127.0.0.1 -p $(PORT)

dashboard: PORT ?= 8501
dashboard: install
	$(BIN)/streamlit run pipelines/dashboard/app.py --server.address 127.0.0.1 --server.port $(PORT) \
	  --browser.gatherUsageStats false --client.toolbarMode viewer

docs: install
	$(BIN)/dbt docs generate --project-dir dbt_project --profiles-dir dbt_project
	@echo "view: $(BIN)/python -m http.server 8080 --bind 127.0.0.1 --directory dbt_project/target"

clean:
	rm -rf data/archive data/warehouse.duckdb data/dagster data/demo dbt_project/target
