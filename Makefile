# The two commands of the README: `make run` and `make test`. Everything else is a helper of those.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast install env lint bench messages check

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# A local .env for development (DEBUG on, a random secret); the real environment always wins.
.env:
	printf 'DEBUG=1\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env

run: install .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py bootstrap --address $(HOST):$(PORT)
	@# The job queue's worker beside the dev server (no other service: the queue is in the database); it stops with the server.
	$(PY) manage.py run_worker --processes 1 & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

# Tests run with development settings (a throwaway secret, no HTTPS redirect) whatever .env says.
# In parallel, one worker per core (pytest-xdist; each worker has its own test database).
TEST_ENV := DEBUG=1 SECRET_KEY=tests-only-secret-key-not-for-any-deployment
TEST_WORKERS ?= auto
test: install
	$(TEST_ENV) $(PY) -m pytest -n $(TEST_WORKERS)

# The edit loop: the suite without the browser, fuzz and slow tests. CI always runs `make test`.
test-fast: install
	$(TEST_ENV) $(PY) -m pytest -n $(TEST_WORKERS) -m "not browser and not slow" --ignore=tests/fuzz

# Also run by the suite (tests/core/test_lint.py), so CI fails on a lint error or unformatted code.
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# Development settings, as for the tests: the check needs no .env.
check: install
	DEBUG=1 SECRET_KEY=tests-only-secret-key-not-for-any-deployment $(PY) manage.py makemigrations --check --dry-run

messages: install
	$(PY) manage.py compilemessages --ignore=.venv

# The benchmark (bench/README.md): PostgreSQL on 127.0.0.1 (BENCH_ADMIN_URL), gunicorn, wrk. Never part of `make test`.
# Every target: scales 1, 20 and 100, a streaming replica at 20 (scripts/start-replica, as root) and two job-queue
# worker processes. wrk comes from Debian's packages when missing; BENCH_ARGS passes options (e.g.
# BENCH_ARGS="--scales 1,20" for the shorter run).
bench: install
	@command -v wrk >/dev/null 2>&1 || { echo "wrk is missing: installing it (apt-get install wrk)"; \
	  (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null || echo "wrk could not be installed: throughput is skipped"; }
	$(PY) bench/run.py $(BENCH_ARGS)
