# The two commands a newcomer needs: `make dev` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help dev test lint venv bench constraints clean build build-venv constraints-build bench-built

help:
	@echo "make dev    - run the whole system locally (moto, app API, queues, LINE emulator, simulator)"
	@echo "make test   - lint and run every test"
	@echo "make bench  - run the benchmarks and write docs/benchmarks.md"
	@echo "make build  - sam validate --lint and sam build (python3.13, arm64), then check the layer"
	@echo "make bench-built - only the cold-start benchmark of the built artifacts (section g)"

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

# `make build`: the deployable build, as `sam deploy` would ship it. SAM CLI lives in its own
# virtualenv made with Python 3.13, the functions' runtime; sam build also needs python3.13 on
# PATH, so the directory of a working one (build/find-python313) goes first on PATH. The layer
# is built by layers/shared/Makefile (arm64 wheels through pip, unchecked-hash bytecode), with
# this virtualenv's pip; build/check_layer.py then checks what sam build wrote. No Docker, and
# no network but PyPI. --no-cached: the layer depends on constraints.txt, outside its
# ContentUri, which SAM's cache would not see change (the whole build takes under a minute).
BUILD_VENV := .venv-build
BUILD_BIN := $(BUILD_VENV)/bin
BUILD_STAMP := $(BUILD_VENV)/.installed
SAM_TEMPLATE ?= template.yaml
SAM_BUILD_DIR := .aws-sam/build

$(BUILD_STAMP): requirements-build.txt constraints-build.txt
	@py=$$(build/find-python313) || exit 1; \
	  echo "$$py -m venv --clear $(BUILD_VENV)"; "$$py" -m venv --clear $(BUILD_VENV)
	$(BUILD_BIN)/python -m pip install --quiet --disable-pip-version-check \
	  -r requirements-build.txt -c constraints-build.txt
	touch $(BUILD_STAMP)

build-venv: $(BUILD_STAMP)

build: $(BUILD_STAMP)
	@py=$$(build/find-python313) || exit 1; \
	  export PATH="$$(dirname "$$py"):$$PATH" LAYER_PYTHON="$$py" \
	    LAYER_PIP="$(CURDIR)/$(BUILD_BIN)/python -m pip" SAM_CLI_TELEMETRY=0; \
	  set -ex; \
	  $(BUILD_BIN)/sam validate --lint --template-file $(SAM_TEMPLATE); \
	  $(BUILD_BIN)/sam build --template-file $(SAM_TEMPLATE) --build-dir $(SAM_BUILD_DIR) --no-cached; \
	  "$$py" build/check_layer.py $(SAM_BUILD_DIR)/SharedLayer --platform aarch64

# Section (g) of docs/benchmarks.md alone; it runs `make build` first when .aws-sam/build is
# missing or older than its sources.
bench-built: $(STAMP)
	$(BIN)/python -m bench --only built-cold-start

constraints-build: $(BUILD_STAMP)
	( echo "# Every transitive dependency of requirements-build.txt pinned (a Python 3.13 virtualenv)."; \
	  echo "# Regenerate with: make constraints-build"; \
	  $(BUILD_BIN)/pip freeze --exclude-editable ) > constraints-build.txt
	touch $(BUILD_STAMP)  # the virtualenv is what the new file says: no reinstall for it
