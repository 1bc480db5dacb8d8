# The two quickstart commands are `make up` and `make test`; everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
## Exact versions (with hashes) of every Python package the project and its tests use, for
## Python 3.11 on Linux x86_64. `make install` installs exactly these; `make lock` rewrites it.
LOCK := requirements-lock.txt
PIP_VERSION := 26.3
UV_VERSION := 0.13.9
LOCK_COMPILE = $(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 \
	--python-platform x86_64-manylinux_2_28 --generate-hashes --custom-compile-command "make lock" --quiet -o $(LOCK)

.PHONY: up test test-unit test-integration install lint lock lock-upgrade bench readme-schema reliability

$(BIN)/.installed: pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q pip==$(PIP_VERSION)
	$(BIN)/pip install -q --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip install -q --no-deps -e .
	@$(BIN)/pip check || { echo "$(LOCK) lacks a dependency pyproject.toml names: run 'make lock'" >&2; exit 1; }
	touch $@

## The explorer page's network library (cytoscape.js) from npm, pinned by package-lock.json.
EXPLORER := pgxkg/api/explorer
$(EXPLORER)/static/vendor/cytoscape.min.js: $(EXPLORER)/package.json $(EXPLORER)/package-lock.json
	npm ci --prefix $(EXPLORER) --no-audit --no-fund
	touch $@

install: $(BIN)/.installed $(EXPLORER)/static/vendor/cytoscape.min.js

## The main job: start the local Neo4j, fetch and load the data, serve the API.
up: install
	$(BIN)/pgxkg up

## The tests: the unit tier first (no database), then the integration tier against a real
## Neo4j the test session starts (or NEO4J_URI). One run, one summary line.
test: install
	$(BIN)/pytest

## The unit tier alone: no database, no network, under a minute.
test-unit: $(BIN)/.installed
	$(BIN)/pytest -m unit

test-integration: install
	$(BIN)/pytest -m integration

lint: $(BIN)/.installed
	$(BIN)/ruff check .

## After changing dependencies in pyproject.toml: add what is new to the lock, keeping every
## other pin. `make lock-upgrade` moves every pin to the newest release; run `make test` on
## the result and commit the lock with it.
$(BIN)/uv:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q uv==$(UV_VERSION)

lock: $(BIN)/uv
	$(LOCK_COMPILE)

lock-upgrade: $(BIN)/uv
	$(LOCK_COMPILE) --upgrade

readme-schema: install
	$(BIN)/python scripts/update_readme_schema.py

## Faults, load and hostile input at full size (scratch Neo4j; ~30 min): prints the table and
## writes bench/results/reliability.json. `pytest tests/reliability` runs the CI-sized version.
reliability: install
	$(BIN)/python -m tests.reliability $(RELIABILITY_ARGS)
