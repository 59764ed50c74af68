# Berdaya: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install serve demo lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Berdaya needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

# Install, migrate, load the demo (safe to run again), then serve on :8000 with the worker.
run: install
	$(BIN)/berdaya migrate --noinput
	$(BIN)/berdaya collectstatic --noinput --verbosity 0
	$(BIN)/berdaya demo
	@sh tools/serve.sh

serve: install
	@sh tools/serve.sh

# The whole suite on SQLite, or on PostgreSQL when DATABASE_URL points there.
# BERDAYA_BROWSER=0 leaves the browser tests out (CI runs them once, in the PostgreSQL pass).
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var/test.sqlite3*
