# Sessim: `make run` serves the emulators, `make test` runs every check CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8080
INSTALLED := $(VENV)/.installed

.PHONY: run test test-fast generate check lint contract bench clean redis-server chromium

# Create .venv and install the pinned tree when missing or when the pins change.
$(INSTALLED): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

run: $(INSTALLED)
	$(BIN)/sessim serve --port $(PORT) --demo

generate: $(INSTALLED)
	$(BIN)/datamodel-codegen

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# generated/ must be exactly what `make generate` writes from openapi/.
check: lint
	$(BIN)/mypy
	$(BIN)/datamodel-codegen --check

# Everything, on every core (pytest-xdist). worksteal hands out tests by their index: the
# load*scope schedulers key them by node id, and schemathesis gives one node id to all the
# operations of a test (21 of test_admin), so they would run one of each. The schemathesis CLI
# run is one of the tests (tests/contract/test_cli.py), so that it runs beside the rest and
# pytest's summary is still the last line CI reads.
test: check redis-server chromium
	$(BIN)/pytest -n auto --dist worksteal

# The lanes of pyproject's markers. `make test-fast` runs the tests that carry none of them,
# on every core too, without redis-server, Chromium or a wheel build; tests/contract is all
# of the contract lane, left out at once (schemathesis prepares its cases while collecting).
LANES := slow or browser or redis or contract or package
test-fast: $(INSTALLED)
	$(BIN)/pytest -n auto --dist worksteal -m "not ($(LANES))" --ignore=tests/contract

# The Redis store's tests start their own redis-server processes: install it where missing
# (Debian, as root). Where that fails, those tests fail saying so; the rest still run.
redis-server:
	@command -v redis-server >/dev/null || (apt-get update && apt-get install -y redis-server) \
		|| echo "could not install redis-server: the Redis store tests will fail" >&2

# The inspector's browser test drives Debian's chromium through chromium-driver: installed
# where missing (Debian, as root). Where that fails, that test fails saying so.
chromium:
	@(command -v chromium >/dev/null && command -v chromedriver >/dev/null) \
		|| (apt-get update && apt-get install -y chromium chromium-driver) \
		|| echo "could not install chromium and chromium-driver: the browser test will fail" >&2

# schemathesis CLI, every check and the stateful phase, against a real uvicorn.
contract: $(INSTALLED)
	tests/contract/cli.sh

# Benchmarks by name: `make bench BENCH=get_session` runs one (bench/<name>.py). The
# repository root is on the path: bench/scale.py starts redis-server with tests/'s helpers.
BENCH ?= login_logout get_session sfcc_flow scale
bench: $(INSTALLED)
	for name in $(BENCH); do PYTHONPATH=$(CURDIR) $(BIN)/python bench/$$name.py || exit 1; done

clean:
	rm -rf $(VENV) var
