# Sessim: `make run` serves the emulators, `make test` runs every check CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8080
INSTALLED := $(VENV)/.installed
PIP_INSTALL := -m pip install --quiet --disable-pip-version-check
# The fast lane, the tests that carry no lane mark (pyproject's markers): `make test-fast`,
# and `make test-matrix` on the other supported Pythons.
LANES := slow or browser or redis or contract or package
FAST := -m "not ($(LANES))" --ignore=tests/contract
MATRIX ?= 3.12 3.13

.PHONY: run test test-fast test-matrix generate check typecheck lint contract docs bench \
	clean vendor redis-server chromium jq node-clients

# A venv is built for one interpreter, named by a stamp inside it (.python-<version>): when
# PYTHON names another (`make run PYTHON=python3.12`, then `make run`), or the venv was left
# half-built, it is built anew rather than reused.
python_version = $(shell $(1) -c 'import platform; print(platform.python_version())' 2>/dev/null)
%/.python-$(call python_version,$(PYTHON)):
	$(PYTHON) -m venv --clear $*
	touch $@

# Install the locked tree when the venv is new or the pins change; then Sessim itself
# editable, again when pyproject.toml changes (a new vendor's entry point: the lock is not
# read again for it), by the lock's uv (a fifth of pip's second). The build backend is in
# the lock: no build environment is downloaded.
# A clone installed before hatchling keeps setuptools' sessim.egg-info at its top, which
# Python finds before the install's metadata (and its vendors' entry points): it goes.
LOCKED := $(VENV)/.locked
$(LOCKED): $(VENV)/.python-$(call python_version,$(PYTHON)) requirements.lock
	$(BIN)/python $(PIP_INSTALL) -r requirements.lock
	touch $@

$(INSTALLED): $(LOCKED) pyproject.toml
	rm -rf sessim.egg-info
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $@

run: $(INSTALLED)
	$(BIN)/sessim serve --port $(PORT) --demo

# Models (datamodel-codegen) and each spec's Protocol of operations: tools/operations.py.
generate: $(INSTALLED)
	$(BIN)/python tools/operations.py write

# A new vendor, minimal and working: `make vendor NAME=acme` writes impl/acme/, openapi/acme.yaml
# and tests/acme/ from tools/scaffold/ (formatted for the name's length) and adds its entry point
# to pyproject.toml, so the next target reinstalls Sessim. Then `make generate` and `make test`
# (docs/adding-a-vendor.md).
vendor: $(INSTALLED)
	@$(BIN)/python tools/scaffold.py $(NAME) && $(BIN)/ruff format --quiet impl/$(NAME) tests/$(NAME)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy finds a module by its folder, and a clone keeps generated/ beside impl/ rather than
# inside it: it checks a copy laid out as the wheel is (build/typecheck/sessim/), and its
# messages are pointed back at impl/ and generated/.
TYPECHECK := build/typecheck
typecheck: $(INSTALLED)
	rm -rf $(TYPECHECK) && mkdir -p $(TYPECHECK)
	cp -Rp impl $(TYPECHECK)/sessim && cp -Rp generated $(TYPECHECK)/sessim/generated
	$(BIN)/mypy > $(TYPECHECK).log; status=$$?; sed -e 's|^$(TYPECHECK)/sessim/generated/|generated/|' \
		-e 's|^$(TYPECHECK)/sessim/|impl/|' $(TYPECHECK).log; exit $$status

# generated/ must be exactly what `make generate` writes from openapi/ (a stamp in build/
# spares regenerating it to compare while neither side has changed since), and every handler
# take what connexion passes it, as its spec's Protocol says.
check: lint typecheck
	$(BIN)/python tools/operations.py check

# Everything, on every core (pytest-xdist). worksteal hands each worker a contiguous share and
# lets an idle one take the back of another's queue; tests/ordering.py puts the heaviest files
# first. The schemathesis CLI runs are tests (tests/contract/test_cli.py, one per run), so that
# they run beside the rest and pytest's summary is the last line CI reads. tests/test_docs.py
# runs the docs' shell examples, which read answers with jq.
test: check docs redis-server chromium jq node-clients
	$(BIN)/pytest -n auto --dist worksteal

# pytest keeps its rewritten test modules in __pycache__ only where Python may write bytecode:
# with PYTHONDONTWRITEBYTECODE set (as some CI images do), every worker rewrote every test
# module at each run, 3 to 4 s of CPU each. The suites' runs write it (an empty value is unset).
test test-fast test-matrix: export PYTHONDONTWRITEBYTECODE :=

# The lanes of pyproject's markers. `make test-fast` runs the tests that carry none of them,
# on every core too, without redis-server, Chromium or a wheel build; tests/contract is all
# of the contract lane, left out at once (its stateful tests build their apps at import).
test-fast: $(INSTALLED)
	$(BIN)/pytest -n auto --dist worksteal $(FAST)

# The documentation site (mkdocs.yml, docs/) into site/, every warning an error.
docs: $(INSTALLED)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# The fast lane on the other supported Pythons, each in its own venv (.venv-3.12, ...) built
# from requirements.lock as .venv is: python3.X where it runs, else pyenv's newest 3.X.
test-matrix:
	for version in $(MATRIX); do \
		python=python$$version; $$python -c '' 2>/dev/null \
			|| python=$$(ls -d "$$(pyenv root)"/versions/$$version.*/bin/python$$version | sort -V | tail -1); \
		$(MAKE) --no-print-directory VENV=.venv-$$version PYTHON=$$python .venv-$$version/.installed \
			&& .venv-$$version/bin/pytest -n auto --dist worksteal $(FAST) || exit 1; \
	done

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

# npm packages pinned in tests/clients/node: vendors' clients that tests/clients and the SPA
# browser test run unmodified against Sessim, and axe-core for the inspector's browser test;
# installed with npm where node is. Where that fails, those tests are skipped, saying so.
NODE_CLIENTS := tests/clients/node/node_modules/.package-lock.json
node-clients: $(NODE_CLIENTS)
$(NODE_CLIENTS): tests/clients/node/package-lock.json
	@(command -v npm >/dev/null \
		&& npm ci --prefix tests/clients/node --ignore-scripts --no-audit --no-fund --silent) \
		|| echo "could not install the npm clients: their tests are skipped" >&2

# schemathesis CLI, every check and the stateful phase, against a real uvicorn.
contract: $(INSTALLED)
	tests/contract/cli.sh

# `make bench`: issue 21's figures side by side, each beside its target (bench/figures.py,
# about 6 minutes; BENCH_QUICK=1 for a one-minute smoke test whose figures mean nothing),
# into bench/results.json and docs/benchmarks.md. Other benchmarks by name: `make bench
# BENCH=get_session` (bench/<name>.py). The repository root is on the path: bench/ starts
# redis-server with tests/'s helpers.
BENCH ?= figures
bench: $(INSTALLED)
	for name in $(BENCH); do PYTHONPATH=$(CURDIR) $(BIN)/python bench/$$name.py || exit 1; done

clean:
	rm -rf $(VENV) $(VENV)-3.* var build dist site
