"""OCAPI's conventions on every resource, through every operation of the spec: the method
override, the Authorization header faults, the JSON Content-Type, OPTIONS, 415 for other
media types and the host-mapped URL form."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import Reset
from tests.sfcc.calls import JWT_OPERATIONS, OPERATIONS, RECIPES, SPEC, Call, prepare
from tests.sfcc.support import (
    CLIENT_ID,
    FIXTURE,
    GENERATED,
    NOW,
    SITE,
    advance,
    basic,
    bearer,
    fault,
    guest,
)

OVERRIDE = "x-dw-http-method-override"
JSON = "application/json;charset=UTF-8"
NON_POST = sorted(op for op, (method, _path) in OPERATIONS.items() if method != "POST")
POSTS = sorted(op for op, (method, _path) in OPERATIONS.items() if method == "POST")
# The operations a POST can stand for by an override (OCAPI's list: PUT, PATCH, DELETE, and
# HEAD and OPTIONS, which have no operation of their own; GET cannot be).
OVERRIDDEN = sorted(
    op for op, (method, _) in OPERATIONS.items() if method in ("PUT", "PATCH", "DELETE")
)
ALL = sorted(OPERATIONS)
ORDER = ("get", "put", "post", "delete", "patch")  # the order of Allow's methods


def allow(path: str) -> list[str]:
    """The methods of a spec path, as Allow lists them."""
    return [method.upper() for method in ORDER if method in SPEC["paths"][path]]


def url_of(base: str, path: str) -> str:
    """A spec path under a URL form's base, with a basket id."""
    return base + path.split("/dw/shop/{version}", 1)[1].replace("{basket_id}", "b1")


def journaled(client: TestClient) -> dict:
    """The newest SFCC entry of the journal."""
    response = client.get("/_admin/journal", params={"vendor": "sfcc", "limit": 1})
    assert response.status_code == 200, response.text
    return response.json()["entries"][0]


def check_answer(response: Any, call: Call) -> None:
    """The call's own answer: its status, and a JSON body with OCAPI's Content-Type."""
    assert response.status_code == call.status, response.text
    if call.status == 204:
        assert response.content == b"" and "content-type" not in response.headers
    else:
        assert response.headers["content-type"] == JSON
        assert response.json()["_v"] == "20.8"


def test_every_operation_has_a_recipe() -> None:
    assert sorted(RECIPES) == ALL
    assert sorted(op for op in ALL if op != "postCustomersAuth") == JWT_OPERATIONS


# The method override


@pytest.mark.parametrize("operation_id", OVERRIDDEN)
@pytest.mark.parametrize("carrier", ["header", "query"])
def test_a_post_is_served_as_the_method_it_overrides(
    sfcc: TestClient, operation_id: str, carrier: str
) -> None:
    call = prepare(sfcc, operation_id)
    if carrier == "header":
        response = call.send(sfcc, "POST", **{OVERRIDE: call.method})
    else:
        url = f"{call.url}?method={call.method}"
        response = sfcc.post(url, json=call.json, headers=call.headers)
    check_answer(response, call)
    entry = journaled(sfcc)
    assert (entry["method"], entry["operationId"]) == (call.method, operation_id)
    assert entry["query"] == ("" if carrier == "header" else f"method={call.method}")


def test_logout_through_the_override_invalidates_the_token_everywhere(sfcc: TestClient) -> None:
    call = prepare(sfcc, "deleteCustomersAuth")
    assert call.token is not None
    response = sfcc.post(call.url, headers={**bearer(call.token), OVERRIDE: "DELETE"})
    assert response.status_code == 204 and response.content == b""
    for refused in (
        sfcc.post(f"{SITE}/sessions", headers=bearer(call.token)),
        sfcc.post(call.url, headers={**bearer(call.token), OVERRIDE: "DELETE"}),
        sfcc.post(f"{SITE}/baskets", headers=bearer(call.token)),
    ):
        assert fault(refused, 401, "InvalidAccessTokenException") == {"accessToken": call.token}


def test_a_put_through_the_override_stores_the_billing_address(sfcc: TestClient) -> None:
    call = prepare(sfcc, "putBasketsByIDBillingAddress")
    response = call.send(sfcc, "POST", **{OVERRIDE: "PUT"})
    assert response.status_code == 200, response.text
    assert response.json()["billing_address"] == call.json
    # The header wins over the query parameter.
    both = sfcc.post(
        f"{call.url}?method=GET", json=call.json, headers={**call.headers, OVERRIDE: "PUT"}
    )
    assert both.status_code == 200, both.text


@pytest.mark.parametrize("operation_id", ALL)
@pytest.mark.parametrize("value", ["GET", "POST", "put", "TRACE", "FETCH"])
def test_an_override_outside_put_patch_delete_head_options_is_a_400(
    sfcc: TestClient, operation_id: str, value: str
) -> None:
    call = prepare(sfcc, operation_id)
    response = call.send(sfcc, "POST", **{OVERRIDE: value})
    assert fault(response, 400, "IllegalHttpMethodOverrideException") == {"method": value}
    assert response.headers["content-type"] == JSON
    entry = journaled(sfcc)
    assert (entry["method"], entry["status"]) == ("POST", 400)
    query = sfcc.post(f"{call.url}?method={value}", json=call.json, headers=call.headers)
    assert fault(query, 400, "IllegalHttpMethodOverrideException") == {"method": value}


@pytest.mark.parametrize("operation_id", NON_POST)
def test_an_override_on_another_method_than_post_is_not_read(
    sfcc: TestClient, operation_id: str
) -> None:
    call = prepare(sfcc, operation_id)
    check_answer(call.send(sfcc, **{OVERRIDE: "PATCH"}), call)
    assert journaled(sfcc)["method"] == call.method


@pytest.mark.parametrize("operation_id", POSTS)
def test_an_override_the_resource_lacks_is_a_405_with_allow(
    sfcc: TestClient, operation_id: str
) -> None:
    call = prepare(sfcc, operation_id)
    response = call.send(sfcc, "POST", **{OVERRIDE: "PATCH"})
    fault(response, 405, "MethodNotAllowedException")
    assert response.headers["allow"] == ", ".join(allow(OPERATIONS[operation_id][1]))
    assert journaled(sfcc)["method"] == "PATCH"


# Authorization headers on every JWT-protected resource

MALFORMED = {
    "basic": basic("jane@example.com", "jane-password")["Authorization"],
    "bare": "TOKEN",  # the token without a scheme
    "scheme only": "Bearer",
    "two words": "Bearer TOKEN TOKEN",
    "colon": "Bearer:TOKEN",
    "other scheme": "Token TOKEN",
}


@pytest.mark.parametrize(
    ("operation_id", "through"),
    [(op, "method") for op in JWT_OPERATIONS]
    + [(op, "override") for op in JWT_OPERATIONS if op in OVERRIDDEN],
)
def test_no_authorization_header_is_a_401_authorization_header_missing(
    sfcc: TestClient, operation_id: str, through: str
) -> None:
    call = prepare(sfcc, operation_id)
    headers = {} if through == "method" else {OVERRIDE: call.method}
    method = call.method if through == "method" else "POST"
    response = sfcc.request(method, call.url, json=call.json, headers=headers)
    assert fault(response, 401, "AuthorizationHeaderMissingException") == {}
    assert response.headers["content-type"] == JSON


@pytest.mark.parametrize("operation_id", JWT_OPERATIONS)
@pytest.mark.parametrize("shape", sorted(MALFORMED))
def test_an_authorization_header_not_bearer_token_is_a_401_invalid_authorization_header(
    sfcc: TestClient, operation_id: str, shape: str
) -> None:
    call = prepare(sfcc, operation_id)
    assert call.token is not None
    header = MALFORMED[shape].replace("TOKEN", call.token)
    response = call.send(sfcc, Authorization=header)
    assert fault(response, 401, "InvalidAuthorizationHeaderException") == {}
    check_answer(call.send(sfcc), call)  # the token itself is good


@pytest.mark.parametrize("operation_id", JWT_OPERATIONS)
def test_a_well_formed_bearer_with_a_bad_or_expired_jwt_keeps_its_fault(
    sfcc: TestClient, operation_id: str
) -> None:
    call = prepare(sfcc, operation_id)
    assert call.token is not None
    response = call.send(sfcc, Authorization="bearer not-a-jwt")
    assert fault(response, 401, "InvalidAccessTokenException") == {"accessToken": "not-a-jwt"}
    advance(sfcc, 1801)
    response = call.send(sfcc)
    assert fault(response, 401, "ExpiredTokenException") == {"accessToken": call.token}


# Wire details


@pytest.mark.parametrize("operation_id", ALL)
def test_json_answers_carry_content_type_with_charset_utf8(
    sfcc: TestClient, operation_id: str
) -> None:
    call = prepare(sfcc, operation_id)
    check_answer(call.send(sfcc), call)
    refused = call.send(sfcc, **{"x-dw-client-id": "unknown", "Authorization": "Basic Og=="})
    assert refused.status_code in (400, 401)
    assert refused.headers["content-type"] == JSON


@pytest.mark.parametrize("path", sorted(SPEC["paths"]))
@pytest.mark.parametrize("base", [SITE, GENERATED])
def test_options_answers_the_methods_in_allow(sfcc: TestClient, path: str, base: str) -> None:
    url = url_of(base, path)
    for response in (sfcc.options(url), sfcc.post(url, headers={OVERRIDE: "OPTIONS"})):
        assert response.status_code == 204 and response.content == b""
        assert response.headers["allow"] == ", ".join([*allow(path), "OPTIONS"])
    assert journaled(sfcc)["method"] == "OPTIONS"


def test_options_on_an_unknown_path_is_a_404(sfcc: TestClient) -> None:
    fault(sfcc.options(f"{SITE}/nowhere"), 404, "ResourcePathNotFoundException")


UNSUPPORTED = {
    "multipart/form-data": {"files": {"type": ("guest.txt", b"guest", "text/plain")}},
    "application/x-www-form-urlencoded": {"data": {"type": "guest"}},
    "text/plain": {"content": b'{"type":"guest"}', "headers": {"Content-Type": "text/plain"}},
    "application/xml": {"content": b"<a/>", "headers": {"Content-Type": "application/xml"}},
}


@pytest.mark.parametrize("operation_id", ALL)
@pytest.mark.parametrize("media_type", sorted(UNSUPPORTED))
def test_a_body_in_another_media_type_is_a_415_before_any_body_check(
    sfcc: TestClient, operation_id: str, media_type: str
) -> None:
    call = prepare(sfcc, operation_id)
    sent = UNSUPPORTED[media_type]
    headers = {**call.headers, **sent.get("headers", {})}
    body = {name: value for name, value in sent.items() if name != "headers"}
    response = sfcc.request(call.method, call.url, headers=headers, **body)
    assert fault(response, 415, "UnsupportedContentTypeException") == {"contentType": media_type}
    if operation_id in OVERRIDDEN:
        overridden = sfcc.post(call.url, headers={**headers, OVERRIDE: call.method}, **body)
        assert fault(overridden, 415, "UnsupportedContentTypeException")


@pytest.mark.parametrize("operation_id", ALL)
def test_an_empty_body_in_any_media_type_and_json_with_a_charset_are_taken(
    sfcc: TestClient, operation_id: str
) -> None:
    call = prepare(sfcc, operation_id)
    if call.json is None:
        response = call.send(sfcc, **{"Content-Type": "multipart/form-data"})
    else:
        content_type = {"Content-Type": "application/json; charset=UTF-8"}
        response = sfcc.request(
            call.method, call.url, json=call.json, headers={**call.headers, **content_type}
        )
    check_answer(response, call)


# The host-mapped URL form

HOST_MAPPED = "/sfcc/dw/shop/v20_8"


@pytest.fixture
def mapped(reset: Reset) -> TestClient:
    """The SFCC app whose storefront hostname maps to SiteGenesis."""
    seed = {"sfcc": {**FIXTURE["sfcc"], "settings": {"default_site": "SiteGenesis"}}}
    return reset(now=NOW, seed=seed)


@pytest.mark.parametrize("operation_id", ALL)
def test_the_host_mapped_form_serves_the_default_site(
    mapped: TestClient, operation_id: str
) -> None:
    call = prepare(mapped, operation_id, HOST_MAPPED)
    check_answer(call.send(mapped), call)
    entry = journaled(mapped)  # as it was sent
    assert (entry["method"], entry["path"], entry["operationId"]) == (
        call.method,
        call.url,
        operation_id,
    )


def test_a_host_mapped_token_is_the_default_sites_which_is_also_the_sites_dash(
    mapped: TestClient,
) -> None:
    token = guest(mapped, HOST_MAPPED)
    for base in ("/sfcc/s/SiteGenesis/dw/shop/v20_8", GENERATED, HOST_MAPPED):
        response = mapped.post(f"{base}/sessions/", headers=bearer(token))
        assert response.status_code == 204, response.text
    refused = mapped.post(f"{SITE}/sessions", headers=bearer(token))
    assert fault(refused, 401, "InvalidAccessTokenException") == {"accessToken": token}


@pytest.mark.parametrize("operation_id", ALL)
def test_without_a_default_site_the_host_mapped_form_is_a_404(
    sfcc: TestClient, operation_id: str
) -> None:
    method, path = OPERATIONS[operation_id]
    response = sfcc.request(
        method, url_of(HOST_MAPPED, path), headers={"x-dw-client-id": CLIENT_ID}
    )
    assert fault(response, 404, "ResourcePathNotFoundException") == {}
    assert response.headers["content-type"] == JSON
    (miss, *_) = journaled(sfcc)["nearMisses"]
    assert miss["operationId"] == operation_id
    assert "default_site" in miss["reason"]
