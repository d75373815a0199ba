"""Schemathesis in-process (from_asgi) for the vendors' stateful tests (tests/<vendor>/
test_stateful.py), per API of the registry: an app seeded with the contract fixture, and the
credentials its declaration's contract asks for declared as auth, so that schemathesis also
probes without them."""

from __future__ import annotations

import atexit
import contextlib
import tempfile
from collections.abc import Callable
from pathlib import Path

import schemathesis
import yaml
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.config import SchemathesisConfig
from sessim.app import create_app
from sessim.core.web.api import Api
from starlette.testclient import TestClient

from tests.conftest import make_settings
from tests.contract import hooks  # noqa: F401 - registers the contracts' own credentials
from tests.contract.fixture import contract_fixture
from tests.contract.plan import config

FIXTURE = contract_fixture()
# The seed file, made once a process, lives in a temporary directory removed at exit, never
# in the checkout. Each stateful test builds its app when it runs (not at import: every
# worker collects every module).
SEED_DIR = tempfile.TemporaryDirectory(prefix="sessim-contract-")
SEED = Path(SEED_DIR.name) / "contract-fixture.yaml"
SEED.write_text(yaml.safe_dump(FIXTURE))
# Every vendor's declared settings, and no literals mined from the app's source: for an app
# of no framework it knows, schemathesis mines the module of the outermost ASGI layer, which
# is sessim.app's, or the journal's when the journal wraps the app. Infrastructure literals
# either way, and the data generated (so the chains a stateful run walks) changed with the
# journal switch. The CLI run, which has a URL and no app, mines nothing either.
NO_MINING = "[analysis.constants]\nenabled = false\n"
CONFIG = SchemathesisConfig.from_str(NO_MINING + config())


def schema_for(api: Api, **overrides: object) -> schemathesis.BaseSchema:
    """One app per spec, so that admin resets stay apart."""
    app = create_app(make_settings(seed=str(SEED), **overrides))
    schema = schemathesis.openapi.from_asgi(f"{api.base_path}/openapi.json", app, config=CONFIG)
    contract = api.contract
    if contract.auth is not None:
        schema.auth(refresh_interval=contract.reuse_auth)(_credentials(api, app))
    return schema


def mount_client(api: Api, app: object) -> TestClient:
    """A client of the app whose paths are the spec's (under the API's base path)."""
    return TestClient(app, base_url=f"http://testserver{api.base_path}")  # type: ignore[arg-type]


# The clients of app_client, open until the process exits.
_OPEN = contextlib.ExitStack()
atexit.register(_OPEN.close)
_CLIENTS: dict[int, TestClient] = {}


def app_client(api: Api, app: object) -> TestClient:
    """The run's one client of the app (mount_client's), made on first use and kept: each
    client entered runs the app's lifespan, which loads the whole fixture again (a reseed in
    the middle of a run) and costs 8 ms, once per call that asks for credentials."""
    if id(app) not in _CLIENTS:
        _CLIENTS[id(app)] = _OPEN.enter_context(mount_client(api, app))
    return _CLIENTS[id(app)]


def _credentials(api: Api, app: object) -> type:
    contract = api.contract
    authenticate = contract.auth
    assert authenticate is not None
    section = FIXTURE[api.name]

    class Credentials:
        def get(self, case: schemathesis.Case, _context: object) -> dict[str, str]:
            return authenticate(section, app_client(api, app), operation_id(case))

        def set(self, case: schemathesis.Case, data: dict[str, str], _context: object) -> None:
            carried = case.headers or {}
            case.headers = (
                {**data, **carried} if contract.links_carry_credentials else {**carried, **data}
            )

    return Credentials


def operation_id(case: schemathesis.Case) -> str:
    return case.operation.definition.raw.get("operationId", "")


def run_stateful(
    schema: schemathesis.BaseSchema,
    login: tuple[str, dict],
    record: Callable[[str, int], None],
    examples: int = 25,
    derandomize: bool = False,
    login_path: dict[str, str] | None = None,
    steps: int = 5,
) -> None:
    """Schemathesis' state machine, with the operation `login` names logging in for real so
    that links lead somewhere; `steps` calls at most a scenario."""

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: schemathesis.Case) -> None:
            if operation_id(case) == login[0]:
                case.body = dict(login[1])
                case.path_parameters = {**(case.path_parameters or {}), **(login_path or {})}

        def after_call(self, response, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            record(case.operation.label, response.status_code)

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=examples, stateful_step_count=steps, deadline=None, derandomize=derandomize
        ),
    )
