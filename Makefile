# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# Links in mails point to where `make run` serves (`make run PORT=8100` → port 8100), unless set.
PUBLIC_HOST := $(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST))
WEGWIJS_PUBLIC_URL ?= http://$(PUBLIC_HOST):$(PORT)
export WEGWIJS_PUBLIC_URL
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

# One stylesheet for every page: design tokens, components and portal.css, less what no
# template uses (PurgeCSS). web/portal/assets.py serves it while it is newer than its sources.
STYLE_SOURCES := node_modules/@utrecht/design-tokens/dist/index.css \
	node_modules/@utrecht/component-library-css/dist/index.css web/static/portal.css
web/static/build/portal.css: node_modules/.installed purgecss.config.cjs $(STYLE_SOURCES) \
		$(shell find web/templates web/portal -name '*.html' -o -name '*.py')
	mkdir -p web/static/build/source
	cat $(STYLE_SOURCES) > web/static/build/source/portal.css
	node_modules/.bin/purgecss --config purgecss.config.cjs

assets: node_modules/.installed web/static/build/portal.css

migrate: install
	$(FLASK) db upgrade

# Geography every time (idempotent); the demo coalition only into a database without partners.
seed: migrate
	$(FLASK) seed --demo

# The web server and the mail worker side by side; when either stops (or on Ctrl-C) both stop.
run: seed assets
	@$(FLASK) worker & worker=$$!; \
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app & web=$$!; \
	trap 'kill $$worker $$web 2>/dev/null' INT TERM EXIT; \
	while kill -0 $$worker 2>/dev/null && kill -0 $$web 2>/dev/null; do sleep 1; done; \
	kill $$worker $$web 2>/dev/null; wait

# pytest exits 5 when it collected no test: that is a failure too.
test: install assets
	@$(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest ran no test" >&2; exit 1; fi; exit $$status

lint: install
	$(BIN)/ruff check .
