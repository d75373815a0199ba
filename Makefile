# Sessim: `make run` serves the emulators, `make test` runs every check CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8080
INSTALLED := $(VENV)/.installed

.PHONY: run test generate check lint contract docs bench clean redis-server chromium jq

# Create .venv and install the pinned tree when missing or when the pins change.
$(INSTALLED): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

run: $(INSTALLED)
	$(BIN)/sessim serve --port $(PORT) --demo

# Models (datamodel-codegen) and each spec's Protocol of operations: tools/operations.py.
generate: $(INSTALLED)
	$(BIN)/python tools/operations.py write

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# generated/ must be exactly what `make generate` writes from openapi/, and every handler
# take what connexion passes it, as its spec's Protocol says.
check: lint
	$(BIN)/mypy
	$(BIN)/python tools/operations.py check

# The CLI contract run and the docs go first, so that pytest's summary is the last line CI
# reads. tests/test_docs.py runs the docs' shell examples, which read answers with jq.
test: check contract docs redis-server chromium jq
	$(BIN)/pytest

# The documentation site (mkdocs.yml, docs/) into site/, every warning an error.
docs: $(INSTALLED)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

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

# The docs' examples (tests/test_docs.py) read answers with jq: installed where missing
# (Debian, as root). Where that fails, that test fails saying so.
jq:
	@command -v jq >/dev/null || (apt-get update && apt-get install -y jq) \
		|| echo "could not install jq: the docs' examples will fail" >&2

# schemathesis CLI, every check and the stateful phase, against a real uvicorn.
contract: $(INSTALLED)
	tests/contract/cli.sh

# Benchmarks by name: `make bench BENCH=get_session` runs one (bench/<name>.py). The
# repository root is on the path: bench/scale.py starts redis-server with tests/'s helpers.
BENCH ?= login_logout get_session sfcc_flow scale
bench: $(INSTALLED)
	for name in $(BENCH); do PYTHONPATH=$(CURDIR) $(BIN)/python bench/$$name.py || exit 1; done

clean:
	rm -rf $(VENV) var site
