# Two commands do all the set-up on a fresh machine (only Python 3.11+ needed):
#   make run    run the bot (SQLite under ./data, offline generator, polling);
#               with no BOT_TOKEN set, the sandbox: the bot in a browser chat at 127.0.0.1:8081
#   make test   run the whole test suite (needs PostgreSQL at 127.0.0.1:5432, see README)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run sandbox test test-dates lint format check migrate bench bench-smoke profile clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/horoscope-bot run

sandbox: $(STAMP)
	$(BIN)/horoscope-bot sandbox

migrate: $(STAMP)
	$(BIN)/horoscope-bot migrate

test: $(STAMP)
	$(BIN)/pytest

# The tests that show or compute a date, again with the process clock pinned (time-machine,
# ticking) at dates that broke them before: a month's first day, a year's last seconds in
# Moscow, a leap day. On SQLite only: dates are computed in Python, the same for both backends.
PINNED_CLOCKS := 2027-03-01T09:00:00+03:00 2026-12-31T23:59:50+03:00 2028-02-29T12:00:00+03:00

test-dates: $(STAMP)
	@set -e; for at in $(PINNED_CLOCKS); do \
	  echo "test-dates: the process clock pinned at $$at"; \
	  $(BIN)/pytest -q -m date_sensitive -k "not postgresql" --pin-clock=$$at; \
	done

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: test lint

# Benchmarks (docs/BENCHMARKS.md): not part of the test suite; PostgreSQL at 127.0.0.1:5432.
BENCH_STAMP := $(VENV)/.bench-installed
BENCHMARKS := service_hot_path e2e cold_stampede midnight_job startup chart offline_generator user_cache users_flush inline users_import push_wave push_claim push_taps

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	set -e; for b in $(BENCHMARKS); do $(BIN)/python -m benchmarks.$$b; done

bench-smoke: $(STAMP)
	set -e; for b in $(BENCHMARKS); do $(BIN)/python -m benchmarks.$$b --smoke; done

profile: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.e2e --profile --runs 1 --rates 100

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
