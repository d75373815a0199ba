"""Schemathesis' state machine on Optimizely's Storefront API: random sequences of its calls,
with a real sign-in making the later calls act on its session, until a sign-out."""

from __future__ import annotations

import schemathesis
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.specs.openapi.checks import ignored_auth
from sessim.optimizely.contract import bearer, login
from sessim.registry import VENDORS

from tests.contract.schemas import FIXTURE, app_client, operation_id, schema_for

API = VENDORS["optimizely"]
SECTION = FIXTURE["optimizely"]


def fresh_bearer(schema: schemathesis.BaseSchema) -> str:
    return bearer(SECTION, app_client(API, schema.app))["Authorization"]  # type: ignore[attr-defined]


def test_stateful_optimizely_sign_in_then_session_calls_and_sign_out() -> None:
    seen: list[tuple[str, int, bool]] = []
    signed_in: list[str] = []  # the bearer of the live sign-in, if any
    # The sessions and the identity calls (what a session links to is tested directly, in
    # test_resources.py: with those rules too the machine drew flakily).
    optimizely = schema_for(API).include(tag_regex="^(Sessions|Identity)$")

    class Machine(optimizely.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Each scenario starts signed out: a bearer left by the one before would make
            # the same draws meet other answers when hypothesis replays a scenario.
            signed_in.clear()

        def before_call(self, case: schemathesis.Case) -> None:
            operation = operation_id(case)
            if operation == "createSession":
                case.body = login(SECTION)
                case.headers = {**(case.headers or {}), "Authorization": fresh_bearer(optimizely)}
            elif signed_in and operation != "createToken":
                case.headers = {**(case.headers or {}), "Authorization": signed_in[-1]}

        def validate_response(self, response, case: schemathesis.Case, **kwargs) -> None:
            # The Authorization set above replaces what schemathesis generated, so its
            # check that generated (invalid) auth is refused does not apply.
            case.validate_response(response, excluded_checks=[ignored_auth])

        def after_call(self, response, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            operation = operation_id(case)
            if operation == "createSession" and response.status_code == 200:
                signed_in.append(case.headers["Authorization"])
            elif operation == "deleteSession" and response.status_code == 204:
                signed_in.clear()
            authenticated = response.status_code == 200 and response.json().get("isAuthenticated")
            seen.append((case.operation.label, response.status_code, bool(authenticated)))

    # Derandomized: the sessions link to the resources of other tags, which the machine
    # follows too; a random draw could spend every step there and miss a signed-in read.
    run_state_machine_as_test(
        Machine,
        settings=settings(max_examples=30, stateful_step_count=6, deadline=None, derandomize=True),
    )
    assert ("POST /api/v1/sessions", 200, True) in seen
    assert ("GET /api/v1/sessions/current", 200, True) in seen, sorted(set(seen))
    assert ("PATCH /api/v1/sessions/current", 200, True) in seen, sorted(set(seen))
    assert ("DELETE /api/v1/sessions/current", 204, False) in seen, sorted(set(seen))
