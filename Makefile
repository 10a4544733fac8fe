# Two commands: `make run` sets up and runs the nightly job on the local catalog;
# `make test` sets up and runs the whole test suite, including a real CKAN (scripts/ckan-dev).
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint setup ckan-up ckan-down clean

run: setup
	@scripts/browser-tools chromium >/dev/null 2>&1 || echo "Hinweis: Chromium fehlt, der" \
	  "Fortschrittsbericht wird nur als HTML veröffentlicht (scripts/browser-tools chromium)." >&2
	$(VENV)/bin/kennzahlen run

test: setup lint
	$(VENV)/bin/python -m pytest --integration $(PYTEST_ARGS)

# the house: ruff, and the import contracts of pyproject.toml (floors, no circles, Prefect only
# in the flow layer)
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $@

ckan-up:
	scripts/ckan-dev start

ckan-down:
	scripts/ckan-dev stop

clean:
	rm -rf out .pytest_cache
