# cablebill: `make demo` goes live and bills three months of demo data, then a day of
# collections; `make test` runs every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_HOME ?= demo
# the first of the demo's monthly cycles (go-live), and how many
DEMO_CYCLE ?= 2026-09-01
DEMO_CYCLES ?= 3
DEMO_ACCOUNTS ?= 5000
# Debian packages: a Hangul font for PDF statements, Java for the Spark target; for the
# tests, poppler to check PDFs, Chromium for the UI test (Playwright drives it; it
# never downloads a browser) and PostgreSQL for the production instance's test.
RUNTIME_DEBS := fonts-nanum openjdk-17-jre-headless
TEST_DEBS := poppler-utils chromium postgresql

.PHONY: install debs test-debs parse demo test test-fast lint lint-changed ruff ui docs bench bench-statements clean

# apt-get only what is missing, so that an installed machine needs no network.
define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

debs:
	$(call apt_install,$(RUNTIME_DEBS))

test-debs:
	$(call apt_install,$(TEST_DEBS))

# pip byte-compiles what it installs on one core (about a minute here); compileall
# does it on every core. The project's own packages are compiled with them: a
# process that may not write bytecode (PYTHONDONTWRITEBYTECODE) reads it.
PACKAGES := orchestration connectors invoice_renderer expectations
$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV) || { apt-get update && apt-get install -y python3-venv && $(PY) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --no-compile --config-settings editable_mode=compat -e '.[dev]'
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib $(PACKAGES) >/dev/null
	touch $@

install: $(STAMP) debs

# Dagster reads dbt's manifest when it loads the definitions; runs parse the same way.
# Parsed only when a file of the project is newer than it.
parse: install
	$(BIN)/python -c 'from orchestration import dbt_runner; dbt_runner.refresh_manifest()'

demo: parse
	rm -rf $(DEMO_HOME)
	$(BIN)/cablebill generate --accounts $(DEMO_ACCOUNTS) --seed 42 --cycle $(DEMO_CYCLE) \
		--cycles $(DEMO_CYCLES) --out $(DEMO_HOME)/feeds
	$(BIN)/cablebill play --feeds $(DEMO_HOME)/feeds --home $(DEMO_HOME) --seed 42

# pytest-xdist workers: a bill run keeps about one core busy (Python: Dagster's and
# dbt's own work), so two runs at once use both of this kind of machine's two cores.
# Each test module is one unit of work, handed out in the order tests/conftest.py
# sets; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

test: parse lint test-debs
	$(PYTEST)

# The change-and-test loop: lint of what changed, the Python unit tests and dbt's
# unit tests; no end-to-end bill runs (pytest's `slow` marker). `make test` runs
# everything, `make lint` included.
test-fast: parse lint-changed test-debs
	$(PYTEST) -m "not slow"

lint: ruff
	$(BIN)/sqlfluff lint dbt_project --processes 2

ruff: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The loop's lint: ruff on all the Python (seconds), sqlfluff (a minute for the whole
# project) on the SQL that differs from main, committed or not, new files included.
lint-changed: ruff
	@base=$$(git rev-parse --verify -q main || git rev-parse HEAD); \
	changed=$$( { git diff --name-only --diff-filter=d $$base -- 'dbt_project/*.sql'; \
		git ls-files --others --exclude-standard -- 'dbt_project/*.sql'; } | sort -u); \
	if [ -n "$$changed" ]; then $(BIN)/sqlfluff lint --processes 2 $$changed; \
	else echo "sqlfluff: no SQL differs from main (make lint checks it all)"; fi

ui: parse
	@test -d $(DEMO_HOME) || $(MAKE) demo
	DAGSTER_HOME=$(abspath $(DEMO_HOME))/dagster CABLEBILL_HOME=$(abspath $(DEMO_HOME)) \
	CABLEBILL_INBOX=$(abspath $(DEMO_HOME))/inbox CABLEBILL_WAREHOUSE=$(abspath $(DEMO_HOME))/warehouse.duckdb \
	$(BIN)/dagster dev -m orchestration.definitions -h 127.0.0.1 -p 3000

# The data dictionary: every model, source and column described, with their lineage
# and the demo warehouse's column types (`dbt docs`), on http://127.0.0.1:8080.
docs: parse
	@test -d $(DEMO_HOME) || $(MAKE) demo
	cd dbt_project && CABLEBILL_WAREHOUSE=$(abspath $(DEMO_HOME))/warehouse.duckdb \
	$(abspath $(BIN))/dbt docs generate --target-path $(abspath $(DEMO_HOME))/dbt-docs && \
	$(abspath $(BIN))/dbt docs serve --target-path $(abspath $(DEMO_HOME))/dbt-docs --host 127.0.0.1 --port 8080 --no-browser

# The bill run at scale, stage by stage, against a bare DuckDB floor: SCALE=small
# (10,000 accounts, about 1M usage events; under 5 minutes), medium (100,000) or full
# (1,000,000 accounts, about 100M events). The data set is generated once into .bench/data;
# docs/benchmarks.md has the figures and the plot. CYCLES=12 plays twelve monthly
# cycles at the scale instead, each bill run timed (the 12th against the 1st).
SCALE ?= full
CYCLES ?= 1
bench: parse
ifeq ($(CYCLES),1)
	$(BIN)/cablebill bench --scale $(SCALE) --root .bench --plot .bench/benchmarks.png
else
	$(BIN)/cablebill bench --scale $(SCALE) --root .bench --cycles $(CYCLES)
endif

# Statements per second per core (HTML, PDF) and a whole cycle, on 10,000 generated
# accounts billed once into .bench/statements (docs/statements.md has the figures).
bench-statements: parse
	$(BIN)/cablebill bench-statements --home .bench/statements --accounts 10000 --repeat 3

clean:
	rm -rf $(DEMO_HOME) .bench dbt_project/target dbt_project/logs
