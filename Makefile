# The two commands a newcomer needs: `make dev` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help dev test lint venv bench constraints clean

help:
	@echo "make dev    - run the whole system locally (moto, app API, queues, LINE emulator, simulator)"
	@echo "make test   - lint and run every test"
	@echo "make bench  - run the benchmarks and write docs/benchmarks.md"

$(STAMP): requirements-dev.txt layers/shared/requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	# The shared layer is importable in the virtualenv as Lambda's /opt/python makes it.
	$(BIN)/python -c "import site, pathlib; pathlib.Path(site.getsitepackages()[0], 'library-layer.pth').write_text('$(CURDIR)/layers/shared\n')"
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

dev: $(STAMP)
	$(BIN)/python -m devstack

bench: $(STAMP)
	$(BIN)/python -m bench

constraints: $(STAMP)
	( echo "# Every transitive dependency pinned: pip install -r requirements-dev.txt -c constraints.txt"; \
	  echo "# Regenerate with: make constraints"; \
	  $(BIN)/pip freeze --exclude-editable ) > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
