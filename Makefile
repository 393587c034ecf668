# One entry point for humans and CI. Every target sets itself up: a fresh clone needs only python3.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
SOURCES := nto api/nto_api plugins/performance/nto_performance plugins/example/nto_example
PYPROJECTS := pyproject.toml api/pyproject.toml plugins/performance/pyproject.toml $(wildcard plugins/example/pyproject.toml)
PYTEST := $(BIN)/pytest -q -p no:randomly

.PHONY: all venv deps lint typecheck unit e2e test bench bundle verify demo demo-hypershift clean

all: test

$(STAMP): $(PYPROJECTS)
	@echo "==> Setting up $(VENV) (first run only: about 2 minutes; pip shows what it installs)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@hack/install-system-deps.sh
	@$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --disable-pip-version-check \
		-e ./api[test] -e .[test] -e ./plugins/performance[test] \
		$(if $(wildcard plugins/example/pyproject.toml),-e ./plugins/example[test])
	@touch $(STAMP)

venv deps: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/vulture  # dead code; paths and reviewed exceptions: [tool.vulture], hack/vulture_whitelist.py

typecheck: $(STAMP)
	$(BIN)/mypy $(wildcard $(SOURCES))

unit: $(STAMP)
	hack/pytest-must-run.sh $(PYTEST) tests api/tests plugins/performance/tests $(wildcard plugins/example/tests)

e2e: $(STAMP)
	hack/pytest-must-run.sh $(PYTEST) test/e2e

test: lint typecheck unit e2e

bench: $(STAMP)
	$(PY) hack/bench.py

bundle: $(STAMP)
	$(BIN)/nto bundle --output-dir bundle

verify: $(STAMP)
	$(PY) hack/verify.py

demo: $(STAMP)
	$(PY) hack/demo.py

demo-hypershift: $(STAMP)
	$(PY) hack/demo_hypershift.py

clean:
	rm -rf $(VENV) build .mypy_cache .ruff_cache .hypothesis .benchmarks
