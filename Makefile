# Medical Mentorship — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Two stamps: `make run` needs only what the app runs on (requirements.txt); the test, lint and
# benchmark targets add the developer tools (requirements-dev.txt) on top.
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
PORT ?= 8000
# The web server, the worker and beat all read PORT: links in e-mails follow the served port
# unless SITE_URL says otherwise (mentorship/settings.py).
export PORT
export DJANGO_SETTINGS_MODULE := mentorship.settings
URL := http://127.0.0.1:$(PORT)

.PHONY: run install install-dev test lint bench check-deploy clean

$(RUNTIME_STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(RUNTIME_STAMP)

$(DEV_STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(DEV_STAMP)

## install: the runtime dependencies only; install-dev: plus the test and lint tools
install: $(RUNTIME_STAMP)
install-dev: $(DEV_STAMP)

## run: install, migrate, load demo data, and serve web + worker + beat on 127.0.0.1:$(PORT)
run: $(RUNTIME_STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on $(URL) — Ctrl-C stops the web server, worker and beat."
	@trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A mentorship worker --beat --loglevel=WARNING --concurrency=1 \
		--without-gossip --without-mingle & \
	( sleep 6; $(PY) manage.py seed_demo --logins-only --url "$(URL)" ) & \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: the whole suite (SQLite by default; set DATABASE_URL / REDIS_URL for PostgreSQL + Redis)
test: $(DEV_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

## lint: ruff and mypy with django-stubs
lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

## bench: the benchmarks in bench/, each against a baseline in the same run
bench: $(DEV_STAMP)
	$(PY) -m bench

check-deploy: $(RUNTIME_STAMP)
	DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		ALLOWED_HOSTS=mentorship.example.org $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache
