"""The credentials a call carries of its own (a declaration's `Contract.own_credentials`)
are set by the hooks on that API's operation, and on no other API's operation of that name;
a body marked x-case-insensitive-properties goes out PascalCased in half the positive cases."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings, strategies
from schemathesis import GenerationMode, auths
from sessim.registry import VENDORS

from tests.contract.hooks import _binds_in_any_case, before_call
from tests.contract.schemas import schema_for

pytestmark = pytest.mark.contract

DECLARED = [
    (name, operation_id)
    for name, api in VENDORS.items()
    for operation_id in api.contract.own_credentials
]


def headers_set(name: str, operation_id: str) -> list[tuple[dict, dict[str, str]]]:
    """The path parameters (all `abc123`) and the headers the auth hooks set, of each
    operation of that id in the API's spec."""
    found = []
    for result in schema_for(VENDORS[name]).get_all_operations():
        operation = result.ok()
        if operation.definition.raw.get("operationId") != operation_id:
            continue
        path = {parameter.name: "abc123" for parameter in operation.path_parameters}
        case = operation.Case(path_parameters=path)
        auths.set_on_case(case, auths.AuthContext(operation=operation, app=operation.app), None)
        found.append((path, dict(case.headers or {})))
    return found


@pytest.mark.parametrize(("name", "operation_id"), DECLARED)
def test_an_operations_own_credentials_are_set_from_its_path(name: str, operation_id: str) -> None:
    own = VENDORS[name].contract.own_credentials[operation_id]
    found = headers_set(name, operation_id)
    assert found
    for path, headers in found:
        assert own(path) and headers.items() >= own(path).items()


@pytest.mark.parametrize(("name", "operation_id"), DECLARED)
def test_another_apis_operation_of_that_name_is_left_alone(name: str, operation_id: str) -> None:
    own = VENDORS[name].contract.own_credentials[operation_id]
    keys = set(own({}))
    for other in VENDORS:
        if other != name and operation_id not in VENDORS[other].contract.own_credentials:
            assert all(not keys & set(headers) for _, headers in headers_set(other, operation_id))


def test_the_bodies_that_bind_in_any_case_are_the_ones_the_spec_marks() -> None:
    marked = set()
    for name, api in VENDORS.items():
        for result in schema_for(api).get_all_operations():
            operation = result.ok()
            case = operation.Case(media_type="application/json", body={})
            if _binds_in_any_case(case):
                marked.add((name, operation.definition.raw["operationId"]))
    assert marked == {
        ("optimizely", "createSession"),
        ("optimizely", "updateSession"),
        ("optimizely", "updateAccount"),
    }


@settings(max_examples=1, deadline=None)
@given(data=strategies.data())
def test_a_positive_body_goes_out_pascalcased_in_half_of_the_cases(data: Any) -> None:
    operation = next(
        result.ok()
        for result in schema_for(VENDORS["optimizely"]).get_all_operations()
        if result.ok().definition.raw["operationId"] == "updateSession"
    )
    case = data.draw(operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    sent = []
    for index in range(20):
        body = {"userName": f"u{index}", "billTo": {"id": "b"}}
        case.media_type, case.body = "application/json", body
        kwargs: dict = {}
        before_call(None, case, kwargs)
        assert case.body == body  # the case keeps its spelling: it stays a positive case
        sent.append(kwargs.get("json"))
    pascal = [s for s in sent if s is not None]
    assert 0 < len(pascal) < len(sent)
    assert all(set(s) == {"UserName", "BillTo"} and s["BillTo"] == {"Id": "b"} for s in pascal)
