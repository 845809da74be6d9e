# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test install assets migrate seed lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when requirements.txt changes.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -r requirements.txt
	touch $@

install: $(VENV)/.installed

# The portal's front-end packages (NL Design System CSS, axe-core) from the committed lock;
# reinstalled only when the lock changes.
node_modules/.installed: package-lock.json package.json
	npm ci --no-audit --no-fund
	touch $@

assets: node_modules/.installed

migrate: install
	$(FLASK) db upgrade

# Geography every time (idempotent); the demo coalition only into a database without partners.
seed: migrate
	$(FLASK) seed --demo

run: seed assets
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

# pytest exits 5 when it collected no test: that is a failure too.
test: install assets
	@$(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest ran no test" >&2; exit 1; fi; exit $$status

lint: install
	$(BIN)/ruff check .
