# The commands people type. `make run` and `make test` work on a fresh machine with Python 3.11+.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Every package of the repository, installed editable into the one virtualenv.
PACKAGES := hdms_common $(wildcard auth-service ticket-service communication-service file-service) run cli
MYPY_TARGETS := hdms_common/hdms_common $(wildcard auth-service/auth_service ticket-service/ticket_service communication-service/communication_service file-service/file_service) run/hdms_run cli/hdms_cli

WEB := frontend-service
# Every web build (make run, make stack, make web) goes through this script: it builds only when
# the sources changed, and never two at once. Standard library only: no virtualenv needed.
WEB_BUILD := $(PYTHON) run/hdms_run/build_frontend.py

.PHONY: run test lint fmt bench fuzz fuzz-stack migrate stack stack-stop postman postman-run clean install install-dev web web-dev web-deps web-check

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/activate requirements/base.txt $(wildcard */pyproject.toml)
	$(PIP) install --quiet -r requirements/base.txt
	$(PIP) install --quiet --no-deps $(addprefix -e ,$(PACKAGES))
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.txt
	$(PIP) install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: the web application and the whole API on http://localhost:8080/ (SQLite in ./var, demo
## company, no servers; the UI is built first when its sources changed, which needs Node.js 20+)
run: $(VENV)/.installed
	$(PY) scripts/embedded.py

## migrate: apply every service's migrations to the embedded databases (and seed the demo)
migrate: $(VENV)/.installed
	$(PY) scripts/embedded.py --migrate-only

## test: install what the tests need (Debian servers and Chromium too), check the web
## application (types, lint, unit tests), build it, and run the whole Python suite
test: $(VENV)/.installed-dev
	bash scripts/ensure-test-deps.sh
	$(MAKE) --no-print-directory web-check
	$(WEB_BUILD)
	$(PY) -m pytest

## web: build the web application's static export (frontend-service/out; skipped when current)
web:
	$(WEB_BUILD)

## web-dev: the Next.js development server on http://localhost:3000 (proxies /api and /ws/ to
## the gateway at HDMS_GATEWAY_URL, http://127.0.0.1:8080 by default: run `make run` beside it)
web-dev: web-deps
	cd $(WEB) && NEXT_TELEMETRY_DISABLED=1 npm run dev

## web-deps: the web application's npm packages (npm ci, only when package-lock.json changed)
web-deps:
	$(WEB_BUILD) --deps-only

## web-check: the web application's type check, lint and unit tests
web-check: web-deps
	cd $(WEB) && npx --no-install tsc --noEmit -p .
	cd $(WEB) && npx --no-install eslint src
	cd $(WEB) && NEXT_TELEMETRY_DISABLED=1 npx --no-install vitest run

## lint: ruff (lint + format check) and mypy
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy $(MYPY_TARGETS)

fmt: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## stack: the production-shaped stack from local binaries (no Docker); stack-stop stops it
stack: $(VENV)/.installed
	$(PY) scripts/stack.py up

stack-stop:
	$(PY) scripts/stack.py down

## postman: generate the Postman collection and environment from the OpenAPI documents
postman: $(VENV)/.installed
	$(PY) scripts/postman.py

## postman-run: run the collection with newman against the running stack (make stack)
postman-run: postman
	bash scripts/ensure-newman.sh
	var/tools/newman/node_modules/.bin/newman run postman/hdms.postman_collection.json \
		-e postman/hdms.postman_environment.json \
		--env-var baseUrl=http://localhost:$$($(PY) -c 'import json;print(json.load(open("var/stack/state.json"))["ports"]["gateway"])')

$(VENV)/.installed-bench: $(VENV)/.installed-dev requirements/bench.txt
	$(PIP) install --quiet -r requirements/bench.txt
	touch $@

## bench: the benchmarks in bench/ (not part of the tests), among them HDMS against
## django-helpdesk 2.6.1 in the same run (bench/stack_bench.py; wrk from Debian, the peer in
## its own virtualenv under var/bench)
bench: $(VENV)/.installed-bench
	bash scripts/ensure-test-deps.sh
	$(PY) bench/run.py

## fuzz: schemathesis against each service's OpenAPI, as every demo role (no 5xx allowed)
fuzz: $(VENV)/.installed-dev
	$(PY) scripts/fuzz_api.py

## fuzz-stack: the same against the stack (PostgreSQL through PgBouncer, Redis, nginx, gunicorn),
## where NUL bytes and invalid text reach a real database
fuzz-stack: $(VENV)/.installed-dev
	bash scripts/ensure-test-deps.sh
	$(PY) scripts/fuzz_api.py --stack

clean:
	rm -rf $(VENV) var $(WEB)/out $(WEB)/.next
