# Two commands do everything on a fresh machine with only python3:
#   make demo   set up .venv, then run the main job on the default data
#   make test   set up .venv, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# The offline data mirror sits beside the checkout on this project's machines and CI.
ifneq ($(wildcard ../shared/data),)
export TEXTNN_MIRROR ?= $(abspath ../shared/data)
endif

.PHONY: demo test lint bench clean

# Re-installs only when the pins change; otherwise this is a no-op.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/textnn datasets --stats

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_foundation.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache
