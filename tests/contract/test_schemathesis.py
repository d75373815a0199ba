"""Schemathesis in-process (from_asgi): every operation fuzzed, and create -> delete chained.

The CLI run against a real uvicorn (tests/contract/cli.sh) is the other half.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from impl.app import create_app
from tests.conftest import make_settings
from tests.contract import hooks  # noqa: F401 - registers deleteSession's auth

DEMO = Path(__file__).resolve().parents[2] / "impl" / "fixtures" / "demo.yaml"
DEMO_LOGIN = {
    k: yaml.safe_load(DEMO.read_text())["vestiaire"]["users"][0][k] for k in ("email", "password")
}
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def app_for(api: str, **overrides: object):  # one app per spec: admin resets stay apart
    app = create_app(make_settings(seed=str(DEMO), **overrides))
    return schemathesis.openapi.from_asgi(f"/{api}/openapi.json", app)


vestiaire = app_for("vestiaire")
admin = app_for("_admin", admin_token="contract")


@vestiaire.parametrize()
@FUZZ
def test_vestiaire(case: schemathesis.Case) -> None:
    case.call_and_validate()


@admin.parametrize()
@FUZZ
def test_admin(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": "Bearer contract"})


def run_stateful(record: Callable[[str, int], None]) -> None:
    class Machine(vestiaire.as_state_machine()):
        def before_call(self, case: schemathesis.Case) -> None:
            if case.operation.definition.raw.get("operationId") == "createSession":
                case.body = dict(DEMO_LOGIN)  # log in for real, so that links lead somewhere

        def after_call(self, response, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            record(case.operation.label, response.status_code)

    run_state_machine_as_test(
        Machine, settings=settings(max_examples=25, stateful_step_count=4, deadline=None)
    )


def test_stateful_create_then_delete() -> None:
    seen: list[tuple[str, int]] = []
    run_stateful(lambda label, status: seen.append((label, status)))
    assert ("POST /sessions", 201) in seen
    assert ("DELETE /sessions/{sessionId}", 204) in seen  # the link carried a live session
