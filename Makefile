# synth: `make contracts` regenerates generated/ from contracts/; `make test` runs every test.
# Each target creates what it needs (.venv, the Node harness) when it is missing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node/node_modules/.installed
PYTEST_ARGS ?=
# The revision `make contracts` compares against in CI; `auto`: the merge base with origin/main.
BASE_REF ?= auto
LINTED := $(wildcard synth contracts tests examples bench)

.PHONY: contracts test test-thorough lint typecheck check bytecode verify verify-examples verify-nextjs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(NODE_STAMP): node/package.json node/package-lock.json
	cd node && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# In CI (CI=true) `make contracts` only checks: it fails when generated/ is stale.
contracts: $(STAMP)
ifeq ($(CI),true)
	$(BIN)/synth generate --check
	$(BIN)/synth diff --against $(BASE_REF) --ci
else
	$(BIN)/synth generate
endif

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/lint-imports --no-logo

# mypy --strict over synth/, tests/, examples/, bench/ and scripts/ (`files` in pyproject.toml).
typecheck: $(STAMP)
	$(BIN)/mypy

check: $(STAMP)
	$(BIN)/synth generate --check

# The project's bytecode, as `pip install` of a wheel leaves it: an editable install has none,
# and where PYTHONDONTWRITEBYTECODE=1 is set (this machine, many CI images) no import writes it,
# so every process compiled synth's modules again (0.3 s of CPU a process: each worker of
# `synth test`, each test's subprocess). Files already compiled are left as they are.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q -j 0 synth contracts examples bench tests scripts generated

test: $(STAMP) $(NODE_STAMP) lint typecheck check bytecode
	$(BIN)/pytest -n 2 --dist loadgroup --durations=20 $(PYTEST_ARGS)

# Only the tests marked thorough, which `make test` skips: the whole OpenAPI corpus through
# synth zod and tsc (minutes, 2 GB), the reference server's clean runs on seeds 1-9 (with
# getJob's declared 5 s rate-limit window; make test's seed 0 runs a 2 s one), every planted
# bug under injected faults, the whole suite where `make test` runs a selection (the Next.js
# app, the loopback process, the clean-up run, the correct server under faults, the jobs
# checks in two workers and in shards), the latency smoke's two TEN-READ checks (synth on
# xdist workers) and `st run` with 4 workers, and the generator fuzz at 500 contracts.
test-thorough: $(STAMP) $(NODE_STAMP) bytecode
	SYNTH_THOROUGH=1 $(BIN)/pytest -n 2 --dist loadgroup -p no:randomly -m thorough $(PYTEST_ARGS)

# synth test against the reference server on a free loopback port, or against BASE_URL with
# TENANTS="a=TOKEN,b=TOKEN" when both are set.
verify: $(STAMP) bytecode
	$(BIN)/python scripts/verify

# synth test against every example API under examples/ (examples/README.md): each correct server
# with SEEDS seeds (default 1) must be clean, each planted bug caught by its invariant. Narrow it
# with EXAMPLES=tracker,... and BUGS=id,... (BUGS=none, SEEDS=0: skip those runs). Not in `test`.
verify-examples: $(STAMP) bytecode
	EXAMPLES="$(EXAMPLES)" BUGS="$(BUGS)" SEEDS="$(SEEDS)" WORKERS="$(WORKERS)" $(BIN)/python scripts/verify-examples

# The Next.js example on PostgreSQL (installed from Debian when missing), checked by synth test.
verify-nextjs: $(STAMP) contracts
	$(BIN)/python scripts/verify-nextjs

# Benchmarks against named peers; writes bench/results/*.json and docs/benchmarks.md.
bench: $(STAMP) $(NODE_STAMP) bytecode
	$(BIN)/python -m bench.generation
	$(BIN)/python -m bench.bugs
	$(BIN)/python -m bench.throughput
	$(BIN)/python -m bench.documents
	$(BIN)/python -m bench.latency --quick
	$(BIN)/python -m bench.report

clean:
	rm -rf $(VENV) node/node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis
