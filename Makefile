# Chipgate: `make run` serves the app on a fresh machine, `make test` runs the whole suite.
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
LOCAL_REDIS := redis://127.0.0.1:6379/0

# Compiled translations (the portal in Simplified Chinese), built from the committed .po file; GNU gettext's
# msgfmt does the compiling and is installed when missing.
MESSAGES := locale/zh_Hans/LC_MESSAGES/django.mo

.PHONY: run test lint clean messages

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-deps: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements.txt requirements-test.txt | $(VENV)/bin/python
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-test.txt
	touch $@ $(VENV)/.run-deps

$(MESSAGES): locale/zh_Hans/LC_MESSAGES/django.po | $(VENV)/.run-deps
	if ! command -v msgfmt >/dev/null; then
		echo "GNU gettext (msgfmt) is missing: installing Debian's package."
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo)
		$$SUDO apt-get update -q
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q gettext
	fi
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py compilemessages --ignore=.venv --verbosity=0

messages: $(MESSAGES)

run: $(VENV)/.run-deps $(MESSAGES)
	@if [ -z "$${REDIS_URL:-}" ] && $(PY) -c "import redis,sys; redis.Redis.from_url('$(LOCAL_REDIS)', socket_connect_timeout=1).ping()" 2>/dev/null; then
		export REDIS_URL=$(LOCAL_REDIS)
	fi
	echo "Database: $${DATABASE_URL:-SQLite (db.sqlite3); set DATABASE_URL for PostgreSQL}"
	staff_2fa=$$(DJANGO_SETTINGS_MODULE=config.settings.local $(PY) -c "from django.conf import settings; print('on' if settings.CHIPGATE_STAFF_2FA else 'off')")
	if [ "$$staff_2fa" = on ]; then
		echo "Staff 2FA: on: desk staff set up an authenticator app at their first sign-in (CHIPGATE_STAFF_2FA=false turns it off)."
	else
		echo "Staff 2FA: off: desk staff sign in with a password alone here (CHIPGATE_STAFF_2FA=true asks for a TOTP code, as production does)."
	fi
	$(PY) manage.py migrate --noinput
	$(PY) manage.py signing_key --ensure
	$(PY) manage.py load_catalog
	$(PY) manage.py load_screening_list parties/data/sample_screening_list.csv --source sample
	$(PY) manage.py seed_demo
	if [ -n "$${REDIS_URL:-}" ]; then
		echo "Celery: broker $$REDIS_URL; starting a worker and beat beside the web server."
		$(VENV)/bin/celery -A config worker -B --loglevel=WARNING --schedule /tmp/chipgate-celerybeat-schedule &
		trap 'kill $$! 2>/dev/null || true' EXIT
	else
		echo "Celery: no Redis found (REDIS_URL unset, nothing on 127.0.0.1:6379): tasks run in-process at commit,"
		echo "and a periodic loop (manage.py run_periodic) does the beat's work beside the web server."
		$(PY) manage.py run_periodic &
		trap 'kill $$! 2>/dev/null || true' EXIT
	fi
	echo
	echo "Open http://127.0.0.1:8000/ to file orders as applicant-a, http://127.0.0.1:8000/admin/ to review as reviewer or senior."
	echo "Demo accounts and password are listed in README.md. Ctrl-C stops everything."
	$(PY) manage.py runserver --noreload 127.0.0.1:8000

lint: $(VENV)/.test-deps
	$(VENV)/bin/ruff check .

test: $(VENV)/.test-deps $(MESSAGES)
	@echo "== ruff"
	$(VENV)/bin/ruff check .
	echo "== lint-imports (architecture contracts in pyproject.toml)"
	$(VENV)/bin/lint-imports
	echo "== makemigrations --check"
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	if [ -z "$${DATABASE_URL:-}" ] || [ -z "$${REDIS_URL:-}" ]; then
		echo "NOTE: DATABASE_URL and/or REDIS_URL unset: the integration tests (real PostgreSQL, Redis, Celery worker) are SKIPPED."
	else
		echo "Integration tests run against $$DATABASE_URL and $$REDIS_URL."
	fi
	if [ ! -x /usr/bin/chromium ]; then
		echo "NOTE: no /usr/bin/chromium (apt-get install chromium): the browser tests are SKIPPED."
	fi
	echo "== pytest"
	$(VENV)/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache .hypothesis $(MESSAGES)
