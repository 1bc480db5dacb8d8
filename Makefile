# The two quickstart commands are `make up` and `make test`; everything else is a helper.
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: up test install lint bench readme-schema reliability

$(BIN)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
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

## The tests, against a real Neo4j the test session starts (or NEO4J_URI).
test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .

readme-schema: install
	$(BIN)/python scripts/update_readme_schema.py

## Faults, load and hostile input at full size (scratch Neo4j; ~30 min): prints the table and
## writes bench/results/reliability.json. `pytest tests/reliability` runs the CI-sized version.
reliability: install
	$(BIN)/python -m tests.reliability $(RELIABILITY_ARGS)
