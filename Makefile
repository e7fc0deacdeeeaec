# The two commands:  make run  (set up and serve on http://127.0.0.1:5000)  ·  make test  (set up and test)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app portal
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test setup test-setup db lint benchmarks clean serve-scale worker test-embedded test-scale

run: setup db
	$(FLASK) run --host $(HOST) --port $(PORT) --no-reload

# Both runs: embedded (SQLite, in-process jobs), then scaled (PostgreSQL, Redis, a real Celery worker process)
test: test-embedded test-scale

test-embedded: test-setup
	$(VENV)/bin/pytest

test-scale: test-setup
	PORTAL_TEST_SCALE=1 $(VENV)/bin/pytest

# At scale (README, "Running at scale across machines"): set PORTAL_DATABASE_URL and PORTAL_BROKER_URL first.
WEB_WORKERS ?= 2
WEB_PORT    ?= 8000
CONCURRENCY ?= 2

serve-scale: setup db
	$(VENV)/bin/gunicorn -w $(WEB_WORKERS) -b $(HOST):$(WEB_PORT) wsgi:app

worker: setup
	nice -n 19 $(VENV)/bin/celery -A portal.celery_app worker -c $(CONCURRENCY) -l INFO --without-gossip --without-mingle \
		--max-tasks-per-child 100

setup: $(VENV)/.installed instance/config.py
	@scripts/system-packages run

test-setup: $(VENV)/.installed
	@scripts/system-packages test

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,scale]'
	touch $@

instance/config.py:
	mkdir -p instance
	$(PY) -c "import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}')" > $@
	chmod 600 $@

db: setup
	$(FLASK) db upgrade

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check portal tests benchmarks
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
