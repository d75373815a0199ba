"""The credentials a call carries of its own (a declaration's `Contract.own_credentials`)
are set by the hooks on that API's operation, and on no other API's operation of that name."""

from __future__ import annotations

import pytest
from schemathesis import auths
from sessim.registry import VENDORS

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
