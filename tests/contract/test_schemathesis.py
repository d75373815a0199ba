"""Schemathesis in-process (from_asgi): every operation fuzzed, and create -> delete chained.

The CLI run against a real uvicorn (tests/contract/cli.sh) is the other half.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.specs.openapi.checks import ignored_auth
from sessim.app import create_app

from tests.conftest import make_settings
from tests.contract import (
    hooks,  # noqa: F401 - registers deleteSession's auth
    optimizely_login,
)
from tests.contract.fixture import contract_fixture

pytestmark = pytest.mark.contract

FIXTURE = contract_fixture()
# The apps are made at import, before any tmp_path: the seed file lives in a temporary
# directory removed at exit, never in the checkout.
SEED_DIR = tempfile.TemporaryDirectory(prefix="sessim-contract-")
SEED = Path(SEED_DIR.name) / "contract-fixture.yaml"
SEED.write_text(yaml.safe_dump(FIXTURE))
DEMO_LOGIN = {k: FIXTURE["vestiaire"]["users"][0][k] for k in ("email", "password")}
OKTA_LOGIN = {
    "username": FIXTURE["okta"]["users"][0]["login"],
    "password": FIXTURE["okta"]["users"][0]["password"],
}
OKTA_AUTH = f"SSWS {FIXTURE['okta']['api_tokens'][0]}"
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def app_for(api: str, **overrides: object):  # one app per spec: admin resets stay apart
    app = create_app(make_settings(seed=str(SEED), **overrides))
    return schemathesis.openapi.from_asgi(f"/{api}/openapi.json", app)


vestiaire = app_for("vestiaire")
admin = app_for("_admin", admin_token="contract")
okta = app_for("okta")
sfcc = app_for("sfcc")
# The stateful chain gets a store of its own: the random fuzzing above leaves state behind
# (baskets, counters) that would make which chains the derandomized run walks vary. And no
# journal: with the journal's layer around the app, schemathesis never takes the link from
# a new basket to its billing address (0 of 21 baskets, against 16 without it), though the
# answers are the same (tests/sfcc covers that chain with the journal on). Not understood
# yet; see the closing note of 2026-11-23.
sfcc_chain = app_for("sfcc", journal_size=0)
optimizely = app_for("optimizely")
SFCC_CLIENT = FIXTURE["sfcc"]["clients"][0]["client_id"]


@vestiaire.parametrize()
@FUZZ
def test_vestiaire(case: schemathesis.Case) -> None:
    case.call_and_validate()


@admin.parametrize()
@FUZZ
def test_admin(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": "Bearer contract"})


@okta.auth()
class OktaApiToken:
    """The demo API token, declared as auth so that schemathesis also probes without it."""

    def get(self, _case: schemathesis.Case, _context: object) -> str:
        return OKTA_AUTH

    def set(self, case: schemathesis.Case, data: str, _context: object) -> None:
        case.headers = {**(case.headers or {}), "Authorization": data}


@okta.parametrize()
@FUZZ
def test_okta(case: schemathesis.Case) -> None:
    case.call_and_validate()


class SfccCredentials:
    """The demo client id, and for the JWT operations a fresh guest token of the default
    site, declared as auth so that schemathesis also probes without them."""

    def get(self, case: schemathesis.Case, _context: object) -> dict[str, str]:
        if case.operation.definition.raw.get("operationId") == "postCustomersAuth":
            return {"x-dw-client-id": SFCC_CLIENT}
        return {"Authorization": f"Bearer {guest_token(case.operation.schema.app)}"}

    def set(self, case: schemathesis.Case, data: dict[str, str], _context: object) -> None:
        # A JWT a stateful link carried (the basket's owner's) stays: only what is missing.
        case.headers = {**data, **(case.headers or {})}


for schema in (sfcc, sfcc_chain):  # per operation: a client id or a JWT
    schema.auth(refresh_interval=None)(SfccCredentials)


def guest_token(app: object) -> str:
    from starlette.testclient import TestClient

    with TestClient(app) as client:  # type: ignore[arg-type]
        response = client.post(
            "/sfcc/s/-/dw/shop/20.8/customers/auth",
            json={"type": "guest"},
            headers={"x-dw-client-id": SFCC_CLIENT},
        )
    return response.headers["authorization"].removeprefix("Bearer ")


@sfcc.parametrize()
@FUZZ
def test_sfcc(case: schemathesis.Case) -> None:
    case.call_and_validate()


OPTI_BASIC = optimizely_login.basic(FIXTURE["optimizely"])
OPTI_USER = FIXTURE["optimizely"]["users"][0]
OPTI_LOGIN = {"userName": OPTI_USER["userName"], "password": OPTI_USER["password"]}


@optimizely.auth(refresh_interval=None)  # per operation: the client's Basic or a bearer
class OptimizelyCredentials:
    """The storefront client on the token call, elsewhere a fresh bearer of the demo
    buyer, declared as auth so that schemathesis also probes without them."""

    def get(self, case: schemathesis.Case, _context: object) -> str:
        if case.operation.definition.raw.get("operationId") == "createToken":
            return OPTI_BASIC
        return f"Bearer {opti_token()}"

    def set(self, case: schemathesis.Case, data: str, _context: object) -> None:
        case.headers = {**(case.headers or {}), "Authorization": data}


def opti_token() -> str:
    from starlette.testclient import TestClient

    form = {"grant_type": "password", "username": OPTI_LOGIN["userName"]}
    with TestClient(optimizely.app) as client:  # type: ignore[attr-defined]
        response = client.post(
            "/optimizely/identity/connect/token",
            data={**form, "password": OPTI_LOGIN["password"]},
            headers={"Authorization": OPTI_BASIC},
        )
    return response.json()["access_token"]


@optimizely.parametrize()
@FUZZ
def test_optimizely(case: schemathesis.Case) -> None:
    case.call_and_validate()


def run_stateful(
    schema: schemathesis.BaseSchema,
    login: tuple[str, dict],
    record: Callable[[str, int], None],
    examples: int = 25,
    derandomize: bool = False,
    login_path: dict[str, str] | None = None,
) -> None:
    """Schemathesis' state machine, with the operation `login` names logging in for real so
    that links lead somewhere."""

    class Machine(schema.as_state_machine()):
        def before_call(self, case: schemathesis.Case) -> None:
            if case.operation.definition.raw.get("operationId") == login[0]:
                case.body = dict(login[1])
                case.path_parameters = {**(case.path_parameters or {}), **(login_path or {})}

        def after_call(self, response, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            record(case.operation.label, response.status_code)

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=examples, stateful_step_count=5, deadline=None, derandomize=derandomize
        ),
    )


def test_stateful_create_then_delete() -> None:
    seen: list[tuple[str, int]] = []
    run_stateful(vestiaire, ("createSession", DEMO_LOGIN), lambda *call: seen.append(call))
    assert ("POST /sessions", 201) in seen
    assert ("DELETE /sessions/{sessionId}", 204) in seen  # the link carried a live session


def test_stateful_okta_authn_create_read_refresh_revoke() -> None:
    seen: list[tuple[str, int]] = []
    login = ("primaryAuthentication", OKTA_LOGIN)
    # Enough examples that every run walks each chain: schemathesis draws its link
    # transitions from true randomness, so no seed makes a run repeat (80 missed at times).
    run_stateful(okta, login, lambda *call: seen.append(call), examples=160)
    assert ("POST /api/v1/authn", 200) in seen
    assert ("POST /api/v1/sessions", 200) in seen  # the link carried a live sessionToken
    for operation in ("GET", "POST", "DELETE"):
        path = "/lifecycle/refresh" if operation == "POST" else ""
        status = 204 if operation == "DELETE" else 200
        assert (f"{operation} /api/v1/sessions/{{sessionId}}{path}", status) in seen, sorted(
            set(seen)
        )


def test_stateful_sfcc_auth_then_sessions_and_logout() -> None:
    """The links carry the path's site and the answer's JWT to /sessions and the logout,
    and a new basket's id and owner's JWT to its billing address."""
    seen: list[tuple[str, int]] = []
    login = ("postCustomersAuth", {"type": "guest"})
    # Derandomized: which chains a random run walks varies, and each assertion needs one.
    site = {"site_id": "-", "version": "20.8"}  # a known site, which the links carry on
    run_stateful(
        sfcc_chain,
        login,
        lambda *c: seen.append(c),
        examples=120,
        derandomize=True,
        login_path=site,
    )
    base = "/s/{site_id}/dw/shop/{version}"
    assert (f"POST {base}/customers/auth", 200) in seen
    assert (f"POST {base}/sessions", 204) in seen, sorted(set(seen))
    assert (f"DELETE {base}/customers/auth", 204) in seen, sorted(set(seen))
    assert (f"PUT {base}/baskets/{{basket_id}}/billing_address", 200) in seen, sorted(set(seen))


def test_stateful_optimizely_sign_in_then_session_calls_and_sign_out() -> None:
    """Random sequences of the Storefront API's calls; a sign-in (with the demo buyer's
    password and a fresh token) makes the later calls act on its session, until a sign-out."""
    seen: list[tuple[str, int]] = []
    signed_in: list[str] = []  # the bearer of the live sign-in, if any

    class Machine(optimizely.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: schemathesis.Case) -> None:
            operation = case.operation.definition.raw.get("operationId")
            if operation == "createSession":
                case.body = dict(OPTI_LOGIN)
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {opti_token()}"}
            elif signed_in and operation != "createToken":
                case.headers = {**(case.headers or {}), "Authorization": signed_in[-1]}

        def validate_response(self, response, case: schemathesis.Case, **kwargs) -> None:
            # The Authorization set above replaces what schemathesis generated, so its
            # check that generated (invalid) auth is refused does not apply.
            case.validate_response(response, excluded_checks=[ignored_auth])

        def after_call(self, response, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            operation = case.operation.definition.raw.get("operationId")
            if operation == "createSession" and response.status_code == 200:
                signed_in.append(case.headers["Authorization"])
            elif operation == "deleteSession" and response.status_code == 204:
                signed_in.clear()
            authenticated = response.status_code == 200 and response.json().get("isAuthenticated")
            seen.append((case.operation.label, response.status_code, bool(authenticated)))

    run_state_machine_as_test(
        Machine, settings=settings(max_examples=30, stateful_step_count=6, deadline=None)
    )
    assert ("POST /api/v1/sessions", 200, True) in seen
    assert ("GET /api/v1/sessions/current", 200, True) in seen, sorted(set(seen))
    assert ("PATCH /api/v1/sessions/current", 200, True) in seen, sorted(set(seen))
    assert ("DELETE /api/v1/sessions/current", 204, False) in seen, sorted(set(seen))
