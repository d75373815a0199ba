"""Schemathesis in-process (from_asgi): every operation of every API of the registry fuzzed.

The CLI run against a real uvicorn (tests/contract/cli.sh) is the other half; each vendor's
stateful chains are in its own tests (tests/<vendor>/test_stateful.py).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from sessim.registry import ADMIN, VENDORS

from tests.contract.schemas import schema_for

pytestmark = pytest.mark.contract

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def fuzzing(schema: schemathesis.BaseSchema, headers: dict[str, str] | None = None) -> Callable:
    @schema.parametrize()
    @FUZZ
    def test(case: schemathesis.Case) -> None:
        # A negative case that leaves a required header out on purpose (the admin token)
        # keeps it out: ours would put a valid one back, and the answer would rightly be 200.
        negative = case.meta is not None and case.meta.generation.mode is GenerationMode.NEGATIVE
        given = case.headers or {}
        kept = {k: v for k, v in (headers or {}).items() if not negative or k in given}
        case.call_and_validate(headers=kept or None)

    return test


test_admin = fuzzing(
    schema_for(ADMIN, admin_token="contract"), {"Authorization": "Bearer contract"}
)
for _name, _api in VENDORS.items():
    globals()[f"test_{_name}"] = fuzzing(schema_for(_api))
