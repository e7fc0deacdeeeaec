# The two commands:  make run  (set up and serve on http://127.0.0.1:5000)  ·  make test  (set up and test)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app portal
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test setup test-setup db lint benchmarks clean

run: setup db
	$(FLASK) run --host $(HOST) --port $(PORT) --no-reload

test: test-setup
	$(VENV)/bin/pytest

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
