# Medical Mentorship — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := mentorship.settings

.PHONY: run test lint bench check-deploy clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## run: install, migrate, load demo data, and serve web + worker + beat on 127.0.0.1:$(PORT)
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT) — Ctrl-C stops the web server, worker and beat."
	@trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A mentorship worker --beat --loglevel=INFO --concurrency=1 \
		--without-gossip --without-mingle & \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: the whole suite (SQLite by default; set DATABASE_URL / REDIS_URL for PostgreSQL + Redis)
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

## lint: ruff and mypy with django-stubs
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

## bench: the benchmarks in bench/, each against a baseline in the same run
bench: $(STAMP)
	$(PY) -m bench

check-deploy: $(STAMP)
	DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		ALLOWED_HOSTS=mentorship.example.org $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache
