"""The Trusted Origins API: create, list (q, filter, limit and after with Okta's Link
header), get, replace, delete, activate and deactivate, in Okta's shapes and errors, with
SSWS and the okta.trustedOrigins scopes; and trusted origins seeded by fixture."""

from __future__ import annotations

import re

import httpx
import pytest
import yaml
from sessim.okta.trusted_origins import ORIGIN
from starlette.testclient import TestClient

from tests.conftest import ROOT
from tests.okta.support import (
    BEN,
    NO_PERMISSION,
    NOT_WELL_FORMED,
    ORG,
    PORTAL_ORIGIN,
    SSWS,
    advance,
    assert_error,
    assert_json,
    at,
    bearer,
    not_found,
    seed,
)

URL = "/okta/api/v1/trustedOrigins"
READ = "origins-read-token"
MANAGE = "origins-manage-token"
KEYS = [
    "id",
    "name",
    "origin",
    "scopes",
    "status",
    "created",
    "createdBy",
    "lastUpdated",
    "lastUpdatedBy",
    "_links",
]
ORIGIN_ID = re.compile(r"^tos[A-Za-z0-9]{17}$")
USER_ID = re.compile(r"^00u[A-Za-z0-9]{17}$")
DEV = {"name": "Dev server", "origin": "http://localhost:5173", "scopes": [{"type": "CORS"}]}
INVALID_FILTER = ("E0000031", "Bad request. Invalid filter parameter.")


def create(client: TestClient, body: dict, headers: dict[str, str] = SSWS) -> httpx.Response:
    return client.post(URL, json=body, headers=headers)


def created(client: TestClient, body: dict = DEV) -> dict:
    return assert_json(create(client, body), 200)


def links(origin_id: str, status: str) -> dict:
    """Okta's `_links` of a trusted origin: self then deactivate when ACTIVE, activate then
    self when INACTIVE."""
    href = f"{ORG}/api/v1/trustedOrigins/{origin_id}"
    own = {"href": href, "hints": {"allow": ["GET", "PUT", "DELETE"]}}
    if status == "ACTIVE":
        deactivate = {"href": f"{href}/lifecycle/deactivate", "hints": {"allow": ["POST"]}}
        return {"self": own, "deactivate": deactivate}
    return {
        "activate": {"href": f"{href}/lifecycle/activate", "hints": {"allow": ["POST"]}},
        "self": own,
    }


def validation_failed(response: httpx.Response, fields: str, *causes: str) -> None:
    """Okta's E0000001 naming the fields, with one cause per field."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["errorCode"] == body["errorLink"] == "E0000001"
    assert body["errorSummary"] == f"Api validation failed: {fields}"
    assert body["errorCauses"] == [{"errorSummary": cause} for cause in causes]


def test_create_answers_200_with_the_trusted_origin_in_okta_shape(okta: TestClient) -> None:
    body = created(okta, {**DEV, "status": "INACTIVE"})  # a status sent is ignored
    assert list(body) == KEYS
    assert ORIGIN_ID.match(body["id"])
    assert (body["name"], body["origin"], body["scopes"]) == (
        DEV["name"],
        DEV["origin"],
        DEV["scopes"],
    )
    assert body["status"] == "ACTIVE"
    assert body["created"] == body["lastUpdated"] == at()
    assert USER_ID.match(body["createdBy"]) and body["lastUpdatedBy"] == body["createdBy"]
    assert body["_links"] == links(body["id"], "ACTIVE")
    assert assert_json(okta.get(f"{URL}/{body['id']}", headers=SSWS), 200) == body


def test_iframe_embed_keeps_its_allowed_apps_and_other_scopes_drop_them(okta: TestClient) -> None:
    scopes = [
        {"type": "IFRAME_EMBED", "allowedOktaApps": ["OKTA_ENDUSER"]},
        {"type": "REDIRECT", "allowedOktaApps": ["OKTA_ENDUSER"]},
    ]
    body = created(okta, {"name": "Embed", "origin": "https://embed.example.com", "scopes": scopes})
    assert body["scopes"] == [scopes[0], {"type": "REDIRECT"}]
    bare = created(
        okta,
        {
            "name": "Bare",
            "origin": "https://bare.example.com",
            "scopes": [{"type": "IFRAME_EMBED"}],
        },
    )
    assert bare["scopes"] == [{"type": "IFRAME_EMBED", "allowedOktaApps": []}]


@pytest.mark.parametrize(
    ("change", "fields", "causes"),
    [
        ({"origin": "example.com"}, "origin", ["origin: Origin value is not valid"]),
        ({"origin": "javascript://x"}, "origin", ["origin: Origin value is not valid"]),
        ({"origin": "http://localhost:99999"}, "origin", ["origin: Origin value is not valid"]),
        (
            {"origin": "https://" + "a" * 250 + ".com"},
            "origin",
            ["origin: Origin value is not valid"],
        ),
        ({"name": ""}, "name", ["name: The field cannot be left blank"]),
        ({"scopes": []}, "scopes", ["scopes: The field cannot be left blank"]),
        (
            {"scopes": [{"type": "CORS"}, {"type": "CORS"}]},
            "scopes",
            ["scopes: Each scope type may be given once"],
        ),
        (
            {"name": "", "origin": "nope"},
            "name, origin",
            ["name: The field cannot be left blank", "origin: Origin value is not valid"],
        ),
    ],
)
def test_a_bad_field_is_e0000001_with_its_cause(
    okta: TestClient, change: dict, fields: str, causes: list[str]
) -> None:
    validation_failed(create(okta, {**DEV, **change}), fields, *causes)
    assert ids(okta.get(URL, headers=SSWS)) == [PORTAL_ORIGIN["id"]]  # nothing was made


def test_origins_of_apps_are_valid(okta: TestClient) -> None:
    for origin in ("ionic://localhost", "capacitor://localhost", "ftp://files.example.com"):
        created(okta, {"name": origin, "origin": origin, "scopes": [{"type": "CORS"}]})


def test_a_scope_type_in_another_case_is_not_well_formed(okta: TestClient) -> None:
    """As terraform-provider-okta issue #609 recorded for `Redirect`."""
    response = create(okta, {**DEV, "scopes": [{"type": "Redirect"}]})
    assert_error(response, 400, NOT_WELL_FORMED)


def test_a_name_or_origin_taken_by_another_is_e0000001(okta: TestClient) -> None:
    created(okta)
    taken = "An object with this field already exists in the current organization"
    validation_failed(create(okta, {**DEV, "name": "Other"}), "origin", f"origin: {taken}")
    validation_failed(
        create(okta, {**DEV, "origin": "http://localhost:3000"}), "name", f"name: {taken}"
    )
    # Neither refusal kept a claim: the free value can still be used.
    created(okta, {**DEV, "name": "Other", "origin": "http://localhost:3000"})


def test_replace_changes_fields_keeps_status_and_frees_the_old_origin(okta: TestClient) -> None:
    origin = created(okta)
    okta.put("/_admin/clock", json={"now": "2026-03-01T10:05:00Z", "frozen": True})
    change = {**origin, "name": "Renamed", "origin": "http://localhost:3000", "status": "INACTIVE"}
    replaced = assert_json(okta.put(f"{URL}/{origin['id']}", json=change, headers=SSWS), 200)
    assert replaced["name"] == "Renamed" and replaced["origin"] == "http://localhost:3000"
    assert replaced["status"] == "ACTIVE"
    assert (replaced["created"], replaced["lastUpdated"]) == (at(), at(minutes=5))
    created(okta, {**DEV, "name": "Dev again"})  # the old origin is free


def test_replace_checks_the_body_and_the_id(okta: TestClient) -> None:
    origin = created(okta)
    other = created(okta, {**DEV, "name": "Other", "origin": "http://localhost:3000"})
    response = okta.put(f"{URL}/{other['id']}", json={**DEV, "name": "Other"}, headers=SSWS)
    validation_failed(
        response,
        "origin",
        "origin: An object with this field already exists in the current organization",
    )
    response = okta.put(f"{URL}/{origin['id']}", json={**DEV, "origin": "x"}, headers=SSWS)
    validation_failed(response, "origin", "origin: Origin value is not valid")
    unknown = okta.put(f"{URL}/tos00000000000000000", json=DEV, headers=SSWS)
    assert_error(unknown, 404, not_found("tos00000000000000000 (TrustedOrigin)"))


def test_lifecycle_changes_status_and_links(okta: TestClient) -> None:
    origin = created(okta)
    url = f"{URL}/{origin['id']}/lifecycle"
    inactive = assert_json(okta.post(f"{url}/deactivate", headers=SSWS), 200)
    assert inactive["status"] == "INACTIVE"
    assert inactive["_links"] == links(origin["id"], "INACTIVE")
    assert list(inactive["_links"]) == ["activate", "self"]
    assert assert_json(okta.post(f"{url}/deactivate", headers=SSWS), 200)["status"] == "INACTIVE"
    active = assert_json(okta.post(f"{url}/activate", headers=SSWS), 200)
    assert active["status"] == "ACTIVE" and active["_links"] == links(origin["id"], "ACTIVE")


def test_delete_is_204_and_then_404(okta: TestClient) -> None:
    origin = created(okta)
    response = okta.delete(f"{URL}/{origin['id']}", headers=SSWS)
    assert response.status_code == 204 and response.content == b""
    assert "content-type" not in response.headers
    missing = not_found(f"{origin['id']} (TrustedOrigin)")
    for call in (okta.get, okta.delete):
        assert_error(call(f"{URL}/{origin['id']}", headers=SSWS), 404, missing)
    for action in ("activate", "deactivate"):
        gone = okta.post(f"{URL}/{origin['id']}/lifecycle/{action}", headers=SSWS)
        assert_error(gone, 404, missing)
    created(okta)  # its origin and name are free again


def ids(response: httpx.Response) -> list[str]:
    return [origin["id"] for origin in assert_json(response, 200)]


def test_list_pages_oldest_first_with_okta_link_headers(okta: TestClient) -> None:
    made = [PORTAL_ORIGIN["id"]]
    for number in range(4):
        advance(okta, 1)  # oldest first: by id within one second
        made.append(
            created(okta, {**DEV, "name": f"n{number}", "origin": f"http://h{number}"})["id"]
        )
    first = okta.get(f"{URL}?limit=2", headers=SSWS)
    assert ids(first) == made[:2]
    assert first.headers.get_list("link") == [
        f'<{ORG}/api/v1/trustedOrigins?limit=2>; rel="self"',
        f'<{ORG}/api/v1/trustedOrigins?after={made[1]}&limit=2>; rel="next"',
    ]
    second = okta.get(f"{URL}?after={made[1]}&limit=2", headers=SSWS)
    assert ids(second) == made[2:4]
    last = okta.get(f"{URL}?after={made[3]}&limit=2", headers=SSWS)
    assert ids(last) == made[4:]
    assert last.headers.get_list("link") == [
        f'<{ORG}/api/v1/trustedOrigins?after={made[3]}&limit=2>; rel="self"'
    ]
    assert ids(okta.get(URL, headers=SSWS)) == made  # 20 by default


@pytest.mark.parametrize("limit", ["0", "201", "x"])
def test_a_limit_out_of_range_is_e0000001(okta: TestClient, limit: str) -> None:
    response = okta.get(f"{URL}?limit={limit}", headers=SSWS)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "E0000001"


def test_q_is_a_prefix_of_name_or_origin(okta: TestClient) -> None:
    dev = created(okta)
    assert ids(okta.get(f"{URL}?q=dev", headers=SSWS)) == [dev["id"]]
    assert ids(okta.get(f"{URL}?q=HTTPS://APP", headers=SSWS)) == [PORTAL_ORIGIN["id"]]
    assert ids(okta.get(f"{URL}?q=server", headers=SSWS)) == []


def test_filter_takes_okta_expressions(okta: TestClient) -> None:
    dev = created(okta)
    okta.post(f"{URL}/{dev['id']}/lifecycle/deactivate", headers=SSWS)
    portal = PORTAL_ORIGIN["id"]
    cases = {
        'status eq "ACTIVE"': [portal],
        'type eq "REDIRECT"': [portal],
        'type eq "CORS" and status eq "INACTIVE"': [dev["id"]],
        f'(id eq "{dev["id"]}" or id eq "{portal}") and name sw "Dev"': [dev["id"]],
        'origin sw "http://" or name eq "Portal"': [portal, dev["id"]],
        "name pr": [portal, dev["id"]],
    }
    for expression, expected in cases.items():
        response = okta.get(URL, params={"filter": expression}, headers=SSWS)
        assert sorted(ids(response)) == sorted(expected), expression


@pytest.mark.parametrize(
    "expression",
    ["status eq ACTIVE", 'colour eq "red"', 'name gt "a"', '(name eq "a"', 'name eq "a" or', '"a"'],
)
def test_a_filter_that_cannot_be_read_is_e0000031(okta: TestClient, expression: str) -> None:
    response = okta.get(URL, params={"filter": expression}, headers=SSWS)
    assert_error(response, 400, INVALID_FILTER)


def test_oauth_scopes_read_and_manage(okta: TestClient) -> None:
    seed(
        okta,
        {
            "okta": {
                "oauth_tokens": [
                    {"token": READ, "scopes": ["okta.trustedOrigins.read"]},
                    {"token": MANAGE, "scopes": ["okta.trustedOrigins.manage"]},
                ]
            }
        },
    )
    assert_json(okta.get(URL, headers=bearer(READ)), 200)
    assert_error(create(okta, DEV, bearer(READ)), 403, NO_PERMISSION)
    origin = assert_json(create(okta, DEV, bearer(MANAGE)), 200)
    assert_json(okta.get(f"{URL}/{origin['id']}", headers=bearer(MANAGE)), 200)
    denied = okta.post(f"{URL}/{origin['id']}/lifecycle/deactivate", headers=bearer(READ))
    assert_error(denied, 403, NO_PERMISSION)
    assert okta.delete(f"{URL}/{origin['id']}", headers=bearer(MANAGE)).status_code == 204


def test_without_a_token_it_is_401(okta: TestClient) -> None:
    assert_error(okta.get(URL), 401, ("E0000011", "Invalid token provided"))


def test_a_seed_adds_replaces_by_origin_and_sets_status(okta: TestClient) -> None:
    inactive = {**DEV, "status": "INACTIVE"}
    renamed = {**PORTAL_ORIGIN, "id": "tosOther000000000d7x", "name": "Portal renamed"}
    seed(
        okta,
        {"okta": {"trusted_origins": [inactive, {**renamed, "origin": PORTAL_ORIGIN["origin"]}]}},
    )
    listed = {o["name"]: o for o in assert_json(okta.get(URL, headers=SSWS), 200)}
    assert listed.keys() == {"Portal renamed", DEV["name"]}
    assert listed["Portal renamed"]["id"] == PORTAL_ORIGIN["id"]  # replaced by its origin
    assert listed["Portal renamed"]["status"] == "ACTIVE"
    assert listed[DEV["name"]]["status"] == "INACTIVE"


def test_a_seed_with_a_bad_origin_is_refused_before_it_loads(okta: TestClient) -> None:
    """The fixture schema holds the API's own origin pattern, so nothing loads."""
    schema = yaml.safe_load((ROOT / "openapi" / "okta.yaml").read_text())
    pattern = schema["components"]["schemas"]["OktaTrustedOrigin"]["properties"]["origin"]
    assert pattern["pattern"] == ORIGIN
    bad = {"okta": {"users": [BEN], "trusted_origins": [{**DEV, "origin": "localhost"}]}}
    assert okta.post("/_admin/seed", json=bad).status_code == 400
    assert ids(okta.get(URL, headers=SSWS)) == [PORTAL_ORIGIN["id"]]


def test_a_seed_wins_over_trusted_origins_that_hold_its_name_or_origin(okta: TestClient) -> None:
    dev = created(okta)
    scopes = [{"type": "CORS"}, {"type": "REDIRECT"}, {"type": "CORS"}]
    entry = {"name": DEV["name"], "origin": PORTAL_ORIGIN["origin"], "scopes": scopes}
    seed(okta, {"okta": {"trusted_origins": [entry]}})
    (only,) = assert_json(okta.get(URL, headers=SSWS), 200)
    assert only["id"] == PORTAL_ORIGIN["id"]  # the origin's holder, renamed
    assert (only["name"], only["scopes"]) == (DEV["name"], [{"type": "CORS"}, {"type": "REDIRECT"}])
    assert_error(
        okta.get(f"{URL}/{dev['id']}", headers=SSWS), 404, not_found(f"{dev['id']} (TrustedOrigin)")
    )
