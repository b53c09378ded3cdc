# The README's two commands: `make demo` and `make test`. `make bench` runs the benchmarks.
PY := .venv/bin/python
SHELL := /bin/bash

.PHONY: demo test test-fast test-clock lint bench db-up db-down cache-up cache-down clean-db python browser

python:
	@bash scripts/bootstrap.sh python

browser:
	@bash scripts/bootstrap.sh browser

db-up: python
	@$(PY) app.py db up

db-down: python
	@$(PY) app.py db down

## make cache-up / cache-down: the project's Redis, for several app hosts (README)
cache-up: python
	@$(PY) app.py cache up

cache-down: python
	@$(PY) app.py cache down

## make demo: install what is missing, start PostGIS, load Hongqiao if empty, live feed, serve :8050
demo: python
	@$(PY) app.py demo run

## make test: the same set-up, then the whole suite (browser tests included)
test: python browser
	@$(PY) app.py db up >/dev/null
	@bash scripts/redis.sh install
	@$(PY) -m pytest

## make test-clock: the time-sensitive tests again with the clock moved (test process and
## PostgreSQL together): 23:59:30 and 00:00:30 Beijing, a month's and the year's last seconds,
## now + 30 days, now + 400 days (scripts/test_clock.sh)
test-clock: python browser
	@bash scripts/test_clock.sh

## make test-fast: the inner loop, without the browser, fault-cluster and slow tiers
## (markers in pytest.ini, applied by fixture in tests/conftest.py); `--lf` reruns last failures
test-fast: python
	@$(PY) app.py db up >/dev/null
	@bash scripts/redis.sh install
	@$(PY) -m pytest -q -m "not browser and not faults and not slow" $(ARGS)

## make lint: ruff, mypy and the import contracts (all configured in pyproject.toml)
lint: python
	@.venv/bin/ruff check .
	@.venv/bin/mypy
	@.venv/bin/lint-imports

## make bench: benchmarks with their naive baselines (not part of the tests)
bench: python
	@$(PY) app.py db up >/dev/null
	@bash scripts/redis.sh install
	@$(PY) -m bench
