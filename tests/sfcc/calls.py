"""One call of each SFCC operation that succeeds, for the tests that go through every
operation of the spec (the platform's conventions): what it needs made first (a token, a
basket) is made by its recipe, under the URL form given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sessim.registry import VENDORS
from starlette.testclient import TestClient

from tests.sfcc.support import HEADERS, SITE, bearer, guest

ADDRESS = {"first_name": "Jane", "last_name": "Doe", "city": "Burlington", "country_code": "US"}
SPEC = VENDORS["sfcc"].load_spec()
# operationId -> (METHOD, spec path), every operation of the spec.
OPERATIONS = {
    operation["operationId"]: (method.upper(), path)
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    if isinstance(operation, dict) and "operationId" in operation
}
# The operations whose security is the customer's JWT.
JWT_OPERATIONS = sorted(
    operation["operationId"]
    for item in SPEC["paths"].values()
    for operation in item.values()
    if isinstance(operation, dict)
    and any("customersAuth" in requirement for requirement in operation.get("security", []))
)


@dataclass(frozen=True)
class Call:
    operation_id: str
    method: str
    url: str
    status: int  # what it answers
    headers: dict[str, str] = field(default_factory=dict)
    json: dict | None = None
    token: str | None = None  # the JWT it was made with

    def send(self, client: TestClient, method: str | None = None, **headers: str) -> Any:
        """The call, with another method and more (or other) headers if given."""
        return client.request(
            method or self.method, self.url, json=self.json, headers={**self.headers, **headers}
        )


def _auth(client: TestClient, base: str) -> Call:
    url = f"{base}/customers/auth"
    return Call("postCustomersAuth", "POST", url, 200, HEADERS, {"type": "guest"})


def _logout(client: TestClient, base: str) -> Call:
    token = guest(client, base)
    return Call(
        "deleteCustomersAuth", "DELETE", f"{base}/customers/auth", 204, bearer(token), None, token
    )


def _sessions(client: TestClient, base: str) -> Call:
    token = guest(client, base)
    return Call("postSessions", "POST", f"{base}/sessions", 204, bearer(token), None, token)


def _baskets(client: TestClient, base: str) -> Call:
    token = guest(client, base)
    return Call("postBaskets", "POST", f"{base}/baskets", 200, bearer(token), None, token)


def _basket_url(client: TestClient, base: str, token: str) -> str:
    """The URL of a basket made for the token's customer."""
    made = client.post(f"{base}/baskets", headers=bearer(token))
    assert made.status_code == 200, made.text
    return f"{base}/baskets/{made.json()['basket_id']}"


def _basket(client: TestClient, base: str) -> Call:
    token = guest(client, base)
    url = _basket_url(client, base, token)
    return Call("getBasketsByID", "GET", url, 200, bearer(token), None, token)


def _billing_address(client: TestClient, base: str) -> Call:
    token = guest(client, base)
    url = f"{_basket_url(client, base, token)}/billing_address"
    return Call("putBasketsByIDBillingAddress", "PUT", url, 200, bearer(token), ADDRESS, token)


RECIPES: dict[str, Callable[[TestClient, str], Call]] = {
    "postCustomersAuth": _auth,
    "deleteCustomersAuth": _logout,
    "postSessions": _sessions,
    "postBaskets": _baskets,
    "getBasketsByID": _basket,
    "putBasketsByIDBillingAddress": _billing_address,
}


def prepare(client: TestClient, operation_id: str, base: str = SITE) -> Call:
    call = RECIPES[operation_id](client, base)
    assert (call.method, call.url.startswith(base)) == (OPERATIONS[operation_id][0], True)
    return call
