# Two commands: `make run` sets up and runs the nightly job on the local catalog;
# `make test` sets up and runs the whole test suite, including a real CKAN (scripts/ckan-dev).
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp
# the exact versions `make setup` (and so CI) installs; `make lock` makes it from pyproject.toml
LOCK := requirements.lock
UV := $(VENV)/bin/uv
UV_PIP := $(UV) pip --quiet
UV_TARGET := --python $(VENV)/bin/python

.PHONY: run test lint setup lock ckan-up ckan-down clean

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

# uv installs from the lock file in seconds on a warm cache (~/.cache/uv); it is bootstrapped
# into the venv with pip. A lock that was not made from today's pyproject.toml dependencies is
# made anew (scripts/lockfile says so): commit it. Bytecode is compiled once here (uv does not by
# default, and with PYTHONDONTWRITEBYTECODE set no process keeps what it compiles: every
# `kennzahlen` call compiled pandas, rdflib … again, about 2 s each).
$(STAMP): pyproject.toml $(LOCK) | $(UV)
	$(PYTHON) scripts/lockfile fresh $(LOCK) || $(MAKE) lock
	$(UV_PIP) install $(UV_TARGET) --compile-bytecode -r $(LOCK)
	$(UV_PIP) install $(UV_TARGET) --no-deps -e .
	$(VENV)/bin/python -m compileall -q -j 0 flows
	touch $@

$(UV):
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet 'uv>=0.13,<0.14'

# After changing dependencies in pyproject.toml: versions already in the lock are kept where
# they still fit (`uv pip compile --upgrade` would take the newest).
lock: | $(UV)
	$(LOCK_RECIPE)

$(LOCK): | $(UV)
	$(LOCK_RECIPE)

define LOCK_RECIPE
$(UV_PIP) compile pyproject.toml --extra test --python-version 3.11 --output-file $(LOCK) \
		--custom-compile-command "make lock"
$(PYTHON) scripts/lockfile stamp $(LOCK)
endef

ckan-up:
	scripts/ckan-dev start

ckan-down:
	scripts/ckan-dev stop

clean:
	rm -rf out .pytest_cache
