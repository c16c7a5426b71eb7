# Two commands on a fresh machine: `make run` (install + serve) and `make test` (install + suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install install-test system-deps bench-deps screenshots bench clean

run: install
	$(BIN)/dailypapers serve

# Lint and format checks first (seconds), then the suite on two processes (pytest-xdist; the slow
# tests are queued first and an idle process takes tests queued for the other, so neither waits
# for a long test at the end): both backends, browser tests included.
# `make test PYTEST_ARGS="-m 'not slow'"` skips the slow ones.
test: install-test system-deps
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/pytest -n 2 --dist worksteal $(PYTEST_ARGS)

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Debian's Chromium drives the browser tests; PostgreSQL 15 runs the suite a second time.
# The tests start the cluster themselves (pg_ctlcluster); this only makes sure both are there.
system-deps:
	@command -v chromium >/dev/null || { \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get install -y -q chromium >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; }
	@command -v pg_ctlcluster >/dev/null || { \
		echo "installing Debian's postgresql-15"; \
		apt-get install -y -q postgresql-15 >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null && apt-get install -y -q postgresql-15 >/dev/null; }; }

screenshots: install-test system-deps
	$(BIN)/python -m tests.screenshots

# The `bench` extra holds the quality bench's reference systems (bench/quality.py); wrk drives the
# site's requests/s benchmark (bench/pages.py), installed like chromium above.
$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

bench-deps: $(VENV)/.installed-bench
	@command -v wrk >/dev/null || { \
		echo "installing wrk for the load benchmarks"; \
		apt-get install -y -q wrk >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }; }

bench: install-test system-deps bench-deps
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) screenshots bench/results
