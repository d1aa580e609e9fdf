# The README's commands: `make run` (the app on SQLite with demo data) and `make test` (the suite).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := config.settings
# Apps with a gettext catalogue of their own (templates/ and config/ share locale/).
LOCALISED_APPS := core registry assessment recommendations planning history imports opendata catalogue accounts backoffice api

# Django 6 needs Python 3.12 or newer; .python-version selects 3.12 under pyenv.
PYTHON := $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)

.PHONY: manage token run test test-fast e2e-deps lint migrations-check messages bench bench-deps bench-smoke clean help
.DEFAULT_GOAL := help

help:
	@echo "make run    - set up (venv, database, demo data) and serve http://127.0.0.1:$(PORT)/"
	@echo "make test   - set up and run the whole test suite (DATABASE_URL selects PostgreSQL)"
	@echo "make lint   - ruff, bandit (security), migrations check"
	@echo "make bench  - benchmarks (tables printed; bench/load.py: gunicorn + wrk, 20,000 initiatives)"
	@echo "make backup - back up the database (DATABASE_URL) into backups/; prints the file's path"
	@echo "make restore FILE=backups/... - replace the database's contents with a backup"
	@echo "make manage CMD=\"...\" - any management command on the local set-up"
	@echo "make token NAME=agent   - an API token for a demo account"

$(VENV)/.installed: pyproject.toml constraints.txt
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python 3.12 or newer is required (Django 6). Install it, e.g. 'pyenv install 3.12'." >&2; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "pip>=25.3"
	# xstatic-bootstrap builds with setuptools' pkg_resources, gone from setuptools 81.
	$(PY) -m pip install --quiet --disable-pip-version-check --build-constraint constraints.txt -e ".[dev]"
	@touch $@

run: $(VENV)/.installed
	DJANGO_DEBUG=true $(MANAGE) migrate --noinput
	DJANGO_DEBUG=true $(MANAGE) setup_demo
	# Assess demo initiatives that have no current assessment yet (idempotent).
	DJANGO_DEBUG=true $(MANAGE) rescore --missing-only --demo-answers
	# The background-task worker (publishing, exports, coverage: core.background) runs next to
	# the web server and stops with it (Ctrl-C, or the server exiting): db_worker, or rq_worker
	# when the tasks queue in Redis (REDIS_URL set, DJANGO_TASKS_BACKEND not db: config/settings.py).
	@case "$${DJANGO_TASKS_BACKEND:-$${REDIS_URL:+rq}}" in \
		rq) command="rq_worker" ;; *) command="db_worker --no-reload" ;; esac; \
		DJANGO_DEBUG=true $(MANAGE) $$command & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
		DJANGO_DEBUG=true $(MANAGE) runserver 127.0.0.1:$(PORT)

# Any management command against the local set-up, e.g. make manage CMD="setup_demo --reload".
manage: $(VENV)/.installed
	DJANGO_DEBUG=true $(MANAGE) $(CMD)

# An API token for a demo account: make token NAME=agent (prints the key).
token: $(VENV)/.installed
	@DJANGO_DEBUG=true $(MANAGE) drf_create_token $(or $(NAME),agent)

# Browser tests drive Debian's chromium through Playwright (never `playwright install`).
e2e-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# On every core (pytest-xdist, a test database per worker). A test module runs whole on one
# worker (--dist loadfile): tests of a module may share an outside resource (test_tasks_rq.py
# flushes its Redis database around each test). Then the browser tests, one at a time: beside
# other workers, one of them lost its session now and then. Exit status 5 is "no test selected"
# (PYTEST_ARGS naming only tests of the other kind).
TEST_WORKERS ?= auto
test: $(VENV)/.installed e2e-deps
	DJANGO_TESTING=true $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile -m "not e2e" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	DJANGO_TESTING=true $(VENV)/bin/pytest -m e2e $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	# Security lint of every app (exclusions in pyproject.toml): medium and high findings fail.
	$(VENV)/bin/bandit -c pyproject.toml -r . -ll --quiet
	DJANGO_TESTING=true $(MANAGE) makemigrations --check --dry-run

migrations-check: $(VENV)/.installed
	DJANGO_TESTING=true $(MANAGE) makemigrations --check --dry-run

# Regenerate and compile the fr/en catalogues (one per app, plus locale/ for templates/ and config/).
# Ignore patterns are "<app>/*.*", not "<app>/*": Django turns "x/*" into "x", which also
# matches templates/x/ by folder name and would drop those templates from locale/.
messages: $(VENV)/.installed
	for app in $(LOCALISED_APPS); do \
		(cd $$app && env -u DJANGO_SETTINGS_MODULE ../$(VENV)/bin/django-admin makemessages -l fr -l en --no-obsolete -e py,html,txt); done
	DJANGO_TESTING=true $(MANAGE) makemessages -l fr -l en --no-obsolete -e py,html,txt \
		$(foreach app,$(LOCALISED_APPS),-i "$(app)/*.*") -i ".venv/*" -i "tests/*" -i "scripts/*" -i "bench/*" -i "staticfiles/*"
	DJANGO_TESTING=true $(MANAGE) compilemessages -i ".venv" --verbosity 0

bench: $(VENV)/.installed bench-deps
	@for b in bench/*.py; do DJANGO_TESTING=true $(PY) $$b; done

# bench/load.py loads the app with Debian's wrk (like e2e-deps installs chromium).
bench-deps:
	@command -v wrk >/dev/null 2>&1 || { \
		echo "Installing Debian's wrk for the load benchmark"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk >/dev/null; }

# The load benchmark in its tiny mode (500 initiatives, a few requests): it must run, timings
# never fail it. Its table goes to bench/results/ too.
bench-smoke: $(VENV)/.installed bench-deps
	BENCH_SMOKE=1 DJANGO_TESTING=true $(PY) bench/load.py

# Backups of the database that DATABASE_URL names (core/backup.py). Without DJANGO_SECRET_KEY in
# the environment (a development checkout) the commands run with DJANGO_DEBUG=true, as `make run`.
BACKUP_ENV := $(if $(DJANGO_SECRET_KEY),,DJANGO_DEBUG=true)

backup: $(VENV)/.installed
	@$(BACKUP_ENV) $(MANAGE) backup_database

restore: $(VENV)/.installed
	@if [ -z "$(FILE)" ]; then echo "Usage: make restore FILE=backups/<file>" >&2; exit 2; fi
	@$(BACKUP_ENV) $(MANAGE) restore_database "$(FILE)"

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
