# The README's two commands: `make run` (demo site on SQLite) and `make test` (everything CI checks).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://dangjian:dangjian@127.0.0.1:5432/dangjian
CHROMIUM ?= /usr/bin/chromium
# System packages need root: use sudo unless we already are root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
AS_POSTGRES := $(shell [ "$$(id -u)" = 0 ] && echo runuser -u postgres -- || echo sudo -u postgres)

REDIS_PORT ?= 6379
BENCH_POSTGRES_URL ?= postgres://dangjian:dangjian@127.0.0.1:5432/dangjian_bench

.PHONY: run test install install-test postgres redis chromium lint checks test-sqlite test-postgres bench

# The scheduler publishes scheduled notices (定期公开) once a minute beside the server and stops with it.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py run_scheduler & scheduler=$$!; trap 'kill $$scheduler' EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install-test postgres redis chromium lint checks test-sqlite test-postgres

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"

# Use the PostgreSQL server that is running; on a fresh Debian machine install and start one.
postgres:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
		if ! command -v pg_ctlcluster >/dev/null; then \
			$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
		fi; \
		$(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -n | tail -1) main start \
			|| $(SUDO) service postgresql start; \
		for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	fi
	@$(AS_POSTGRES) psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'dangjian'" | grep -q 1 \
		|| $(AS_POSTGRES) psql -q -c "CREATE ROLE dangjian LOGIN PASSWORD 'dangjian' CREATEDB"
	@$(AS_POSTGRES) psql -tAc "SELECT 1 FROM pg_database WHERE datname = 'dangjian'" | grep -q 1 \
		|| $(AS_POSTGRES) createdb -O dangjian dangjian

# The production smoke test (tests/site/test_production_smoke.py) needs Redis: use the one running, or install and
# start Debian's redis-server on 127.0.0.1.
redis:
	@if ! redis-cli -h 127.0.0.1 -p $(REDIS_PORT) ping >/dev/null 2>&1; then \
		if ! command -v redis-server >/dev/null; then \
			$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; \
		fi; \
		redis-server --daemonize yes --bind 127.0.0.1 --port $(REDIS_PORT) --save '' --appendonly no; \
		for i in $$(seq 30); do redis-cli -h 127.0.0.1 -p $(REDIS_PORT) ping >/dev/null 2>&1 && break; sleep 1; done; \
	fi

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
chromium:
	@command -v $(CHROMIUM) >/dev/null || ( $(SUDO) apt-get update -qq \
		&& $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk )

# Load test on SQLite and PostgreSQL with gunicorn and wrk (bench/run.py), concurrent ballots and sign-ups on
# PostgreSQL (bench/concurrency.py); writes bench/RESULTS.md. docs/benchmark.md; BENCH_ARGS for a shorter run.
BENCH_ARGS ?=
bench: install postgres redis
	@command -v wrk >/dev/null || ( $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk )
	$(BIN)/python bench/run.py --postgres-url $(BENCH_POSTGRES_URL) $(BENCH_ARGS)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

checks:
	DJANGO_SETTINGS_MODULE=dangjian.settings.test $(BIN)/python manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=dangjian.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

test-sqlite:
	$(BIN)/pytest

test-postgres:
	DATABASE_URL=$(TEST_DATABASE_URL) SMOKE_REDIS_URL=redis://127.0.0.1:$(REDIS_PORT)/0 $(BIN)/pytest
