"""The cross-origin layer on its own, with a policy of each kind: the preflight it answers,
the headers it adds, the operations it leaves alone, and a vendor's refusal of an origin it
does not allow (the policy's `refuse`), answered in the vendor's format."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from connexion.lifecycle import ConnexionResponse
from sessim.core.kit.errors import Forbidden
from sessim.core.web.api import Api
from sessim.core.web.asgi import set_response_cookies, with_response_headers
from sessim.core.web.conventions import Conventions, Cors
from sessim.core.web.cors import DEVELOPMENT, CrossOrigin
from sessim.core.web.problems import Problem
from sessim.core.web.routes import RouteTable
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from tests.conftest import assert_no_cors

ALLOWED = "https://shop.example.com"
SPEC = {
    "paths": {
        "/things": {
            "get": {"operationId": "listThings", "x-cors": True},
            "post": {"operationId": "addThing", "x-cors": True},
            "delete": {"operationId": "dropThings"},
        },
        "/private": {"get": {"operationId": "private"}},
    }
}


async def allows(scope: Scope, origin: str) -> bool:
    return origin == ALLOWED


def render(problem: Problem) -> ConnexionResponse:
    return ConnexionResponse(status_code=401, body=f"refused: {problem.detail}")


def client(trusted: tuple[str, ...] = (), base: Cors | None = None, **policy: Any) -> TestClient:
    """The layer, with this policy (else `base`) and the origins --allow-origin trusts,
    around an app that answers 200 "served"."""
    cors = base or Cors(allows, lambda operation: operation.get("x-cors", False), **policy)
    api = Api("x", "x.yaml", "/x", "x", render, conventions=Conventions(cors=cors))
    routes = RouteTable()
    routes.add_spec("/x", SPEC, api)

    async def served(scope: Scope, receive: Receive, send: Send) -> None:
        await PlainTextResponse("served")(scope, receive, send)

    layer = CrossOrigin(served, api, cors, routes, SPEC, trusted)

    async def front(scope: Scope, receive: Receive, send: Send) -> None:
        set_response_cookies(scope, {})  # as Sessim's Front: recorded headers reach the answer
        await layer(scope, receive, with_response_headers(scope, send))

    return TestClient(front)


def ask(
    test: TestClient, origin: str, method: str = "POST", path: str = "/x/things"
) -> httpx.Response:
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    return test.options(path, headers=headers)


def test_a_preflight_of_an_allowed_origin_names_the_enabled_methods_only() -> None:
    response = ask(client(max_age=60, preflight_status=204), ALLOWED)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert response.headers["access-control-allow-methods"] == "GET, POST"  # not DELETE
    assert response.headers["access-control-max-age"] == "60"
    assert "access-control-allow-headers" not in response.headers  # none asked for


def test_allowed_headers_are_the_policy_s_or_those_asked_for() -> None:
    headers = {"Access-Control-Request-Headers": "x-custom, authorization"}
    for policy, expected in (
        ({}, "x-custom, authorization"),
        ({"allowed_headers": ("a", "b")}, "a, b"),
    ):
        test = client(**policy)
        response = test.options(
            "/x/things",
            headers={"Origin": ALLOWED, "Access-Control-Request-Method": "GET", **headers},
        )
        assert response.headers["access-control-allow-headers"] == expected


def test_an_answer_to_an_allowed_origin_is_decorated() -> None:
    test = client(exposed=("X-One", "X-Two"), credentials=False)
    response = test.get("/x/things", headers={"Origin": ALLOWED})
    assert response.text == "served"
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert response.headers["access-control-expose-headers"] == "X-One, X-Two"
    assert response.headers["vary"] == "Origin"
    assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize(
    ("origin", "path", "method"),
    [
        ("https://other.example.com", "/x/things", "GET"),  # not allowed
        (ALLOWED, "/x/private", "GET"),  # not enabled
        (ALLOWED, "/x/things", "DELETE"),  # not enabled
        (ALLOWED, "/x/nowhere", "GET"),  # no operation
    ],
)
def test_without_a_refusal_others_are_served_as_without_origin(
    origin: str, path: str, method: str
) -> None:
    test = client()
    response = test.request(method, path, headers={"Origin": origin})
    assert response.text == "served"
    assert not [name for name in response.headers if name.startswith("access-control")]
    preflight = ask(test, origin, method, path)
    assert preflight.text == "served"  # the OPTIONS goes on to what answers it without CORS


def test_a_vendor_s_refusal_answers_an_origin_it_does_not_allow() -> None:
    test = client(refuse=lambda origin: Forbidden(f"origin {origin}"))
    for response in (
        test.get("/x/things", headers={"Origin": "https://other.example.com"}),
        ask(test, "https://other.example.com"),
    ):
        assert response.status_code == 401
        assert response.text == "refused: origin https://other.example.com"
        assert "access-control-allow-origin" not in response.headers
    assert test.get("/x/private", headers={"Origin": "https://o.example.com"}).text == "served"


def test_a_request_without_origin_is_left_alone() -> None:
    response = client(refuse=lambda origin: Forbidden(origin)).get("/x/things")
    assert response.text == "served"
    assert "vary" not in response.headers


def test_a_refusal_of_preflights_alone_serves_the_request_without_cors() -> None:
    test = client(refuse_preflight=lambda origin: Forbidden(f"origin {origin}"))
    other = "https://other.example.com"
    refused = ask(test, other)
    assert (refused.status_code, refused.text) == (401, "refused: origin https://other.example.com")
    served = test.get("/x/things", headers={"Origin": other})
    assert served.text == "served"
    assert_no_cors(served)


def test_a_trusted_origin_is_allowed_before_the_policy_s_check() -> None:
    dev = "http://localhost:4200"
    test = client(trusted=(dev,), refuse=lambda origin: Forbidden(origin))
    response = test.get("/x/things", headers={"Origin": dev})
    assert (response.text, response.headers["access-control-allow-origin"]) == ("served", dev)
    assert ask(test, dev).headers["access-control-allow-origin"] == dev
    private = test.get("/x/private", headers={"Origin": dev})  # not enabled: no CORS
    assert private.text == "served"
    assert_no_cors(private)
    assert test.get("/x/things", headers={"Origin": ALLOWED + ".evil"}).status_code == 401


def test_without_a_vendor_policy_trusted_origins_reach_every_operation() -> None:
    dev = "http://localhost:4200"
    test = client(trusted=(dev,), base=DEVELOPMENT)
    for path in ("/x/things", "/x/private"):
        response = test.get(path, headers={"Origin": dev})
        assert response.headers["access-control-allow-origin"] == dev
    assert ask(test, dev, "DELETE").headers["access-control-allow-methods"] == "GET, POST, DELETE"
    # Any other origin, even the one the test's own policy allows, gets no CORS header.
    assert_no_cors(test.get("/x/things", headers={"Origin": ALLOWED}))
