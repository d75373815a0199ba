"""The Apps API for OIDC applications: create (ids and secrets as Okta makes them, or given),
get, list (q, filter, limit and after with Okta's Link header), replace, activate,
deactivate and delete (an INACTIVE application only: E0000056), in Okta's shapes and errors,
with SSWS and the okta.apps scopes; over the one store of applications, so that an
application the API makes gets tokens at once and one from the fixture is listed."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.testclient import TestClient

from tests.okta.support import (
    NO_PERMISSION,
    NOT_WELL_FORMED,
    ORG,
    SSWS,
    advance,
    assert_error,
    assert_headers,
    assert_json,
    at,
    bearer,
    not_found,
    seed,
)
from tests.okta.test_token import basic, refused, verified

URL = "/okta/api/v1/apps"
KEYS = [
    "id",
    "name",
    "label",
    "status",
    "lastUpdated",
    "created",
    "features",
    "signOnMode",
    "credentials",
    "settings",
    "_links",
]
APP_ID = re.compile(r"^0oa[A-Za-z0-9]{17}$")
SECRET = re.compile(r"^[A-Za-z0-9_-]{64}$")
SCOPE = "orders:read"
SERVICE = {
    "name": "oidc_client",
    "label": "Orders service",
    "signOnMode": "OPENID_CONNECT",
    "credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_basic"}},
    "settings": {
        "oauthClient": {
            "application_type": "service",
            "grant_types": ["client_credentials"],
            "response_types": ["token"],
        }
    },
}
SPA = {
    "name": "oidc_client",
    "label": "Storefront",
    "signOnMode": "OPENID_CONNECT",
    "settings": {
        "oauthClient": {
            "application_type": "browser",
            "grant_types": ["authorization_code", "refresh_token"],
            "redirect_uris": ["https://app.example.com/callback"],
            "post_logout_redirect_uris": ["https://app.example.com/"],
        }
    },
}
SEEDED = {
    "client_id": "seeded-svc",
    "client_secret": "seeded-secret",
    "application_type": "service",
}
READ, MANAGE = "apps-read-token", "apps-manage-token"
TAKEN = "An object with this field already exists in the current organization"


@pytest.fixture
def apps(okta: TestClient) -> TestClient:
    """The default server with a scope for client_credentials, and a fixture's service app."""
    server = {"id": "default", "scopes": [{"name": SCOPE, "default": True}]}
    seed(okta, {"okta": {"authorization_servers": [server], "applications": [SEEDED]}})
    return okta


def create(
    client: TestClient, body: dict, headers: dict[str, str] = SSWS, query: str = ""
) -> httpx.Response:
    return client.post(f"{URL}{query}", json=body, headers=headers)


def created(client: TestClient, body: dict = SERVICE, query: str = "") -> dict:
    return assert_json(create(client, body, query=query), 200)


def with_credentials(body: dict, **oauth_client: str) -> dict:
    given = {**body.get("credentials", {}).get("oauthClient", {}), **oauth_client}
    return {**body, "credentials": {"oauthClient": given}}


def client_token(client: TestClient, headers: dict | None = None, **form: str) -> httpx.Response:
    data = {"grant_type": "client_credentials", **form}
    return client.post("/okta/oauth2/default/v1/token", data=data, headers=headers or {})


def granted_to(client: TestClient, client_id: str, secret: str) -> dict:
    """A client_credentials token of the default server for this client, verified."""
    response = client_token(client, basic(client_id, secret))
    assert response.status_code == 200, response.text
    claims = verified(client, response.json()["access_token"], server="default")
    assert (claims["cid"], claims["sub"], claims["scp"]) == (client_id, client_id, [SCOPE])
    return claims


def invalid_client(response: httpx.Response) -> None:
    description = (
        "Client authentication failed. Either the client or the client credentials are invalid."
    )
    refused(response, 401, "invalid_client", description)


def lifecycle(app_id: str, status: str) -> dict:
    operation = "deactivate" if status == "ACTIVE" else "activate"
    href = f"{ORG}/api/v1/apps/{app_id}/lifecycle/{operation}"
    return {operation: {"href": href}}


def with_causes(
    response: httpx.Response, status: int, error: tuple[str, str], causes: list[str]
) -> None:
    """An Okta Error body of this status, code and summary, with these causes."""
    assert response.status_code == status, response.text
    assert_headers(response)
    body = response.json()
    assert list(body) == ["errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"]
    assert (body["errorCode"], body["errorSummary"], body["errorLink"]) == (*error, error[0])
    assert body["errorCauses"] == [{"errorSummary": cause} for cause in causes]


def validation_failed(response: httpx.Response, *causes: tuple[str, str]) -> None:
    """Okta's E0000001 naming the fields, with one cause per field."""
    summary = "Api validation failed: " + ", ".join(field for field, _ in causes)
    with_causes(response, 400, ("E0000001", summary), [f"{f}: {what}" for f, what in causes])


def ids(response: httpx.Response) -> list[str]:
    return [app["id"] for app in assert_json(response, 200)]


def test_create_makes_a_service_app_in_okta_shape_usable_at_once(apps: TestClient) -> None:
    body = created(apps)
    assert list(body) == KEYS
    assert APP_ID.match(body["id"])
    oauth_client = body["credentials"]["oauthClient"]
    assert list(oauth_client) == [
        "autoKeyRotation",
        "client_id",
        "token_endpoint_auth_method",
        "client_secret",
    ]
    assert oauth_client["client_id"] == body["id"]  # an OIDC app's client_id is its id
    assert SECRET.match(oauth_client["client_secret"])
    assert (body["name"], body["label"], body["signOnMode"], body["status"]) == (
        "oidc_client",
        "Orders service",
        "OPENID_CONNECT",
        "ACTIVE",
    )
    assert body["created"] == body["lastUpdated"] == at()
    assert body["settings"] == {
        "oauthClient": {
            "redirect_uris": [],
            "post_logout_redirect_uris": [],
            "response_types": ["token"],
            "grant_types": ["client_credentials"],
            "application_type": "service",
            "refresh_token": {"rotation_type": "STATIC", "leeway": 30},
        }
    }
    assert body["_links"] == lifecycle(body["id"], "ACTIVE")
    granted_to(apps, body["id"], oauth_client["client_secret"])
    # GET shows it all but the secret, which Sessim keeps by digest.
    got = assert_json(apps.get(f"{URL}/{body['id']}", headers=SSWS), 200)
    del oauth_client["client_secret"]
    assert got == body


def test_a_given_client_id_and_secret_are_kept(apps: TestClient) -> None:
    given = with_credentials(
        SERVICE,
        client_id="orders-svc",
        client_secret="s3cret-given",
        token_endpoint_auth_method="client_secret_post",
    )
    body = created(apps, given)
    assert APP_ID.match(body["id"]) and body["credentials"]["oauthClient"]["client_id"] == (
        "orders-svc"
    )
    assert body["credentials"]["oauthClient"]["client_secret"] == "s3cret-given"
    form = {"client_id": "orders-svc", "client_secret": "s3cret-given"}
    assert client_token(apps, **form).status_code == 200
    assert assert_json(apps.get(f"{URL}/{body['id']}", headers=SSWS), 200)["id"] == body["id"]
    # The client_id is not the app id: it names no application.
    missing = apps.get(f"{URL}/orders-svc", headers=SSWS)
    assert_error(missing, 404, not_found("orders-svc (AppInstance)"))


def test_a_browser_app_has_no_secret_and_rotates_its_refresh_tokens(apps: TestClient) -> None:
    body = created(apps, SPA)
    oauth_client = body["credentials"]["oauthClient"]
    assert oauth_client == {
        "autoKeyRotation": True,
        "client_id": body["id"],
        "token_endpoint_auth_method": "none",
    }
    settings = body["settings"]["oauthClient"]
    assert settings["redirect_uris"] == ["https://app.example.com/callback"]
    assert settings["post_logout_redirect_uris"] == ["https://app.example.com/"]
    assert settings["response_types"] == ["code"]
    assert settings["refresh_token"] == {"rotation_type": "ROTATE", "leeway": 30}


def test_activate_false_makes_it_inactive_and_the_lifecycle_turns_it(apps: TestClient) -> None:
    body = created(apps, SERVICE, query="?activate=false")
    app_id, secret = body["id"], body["credentials"]["oauthClient"]["client_secret"]
    assert body["status"] == "INACTIVE" and body["_links"] == lifecycle(app_id, "INACTIVE")
    invalid_client(client_token(apps, basic(app_id, secret)))
    advance(apps, 60)
    activated = apps.post(f"{URL}/{app_id}/lifecycle/activate", headers=SSWS)
    assert assert_json(activated, 200) == {}
    got = assert_json(apps.get(f"{URL}/{app_id}", headers=SSWS), 200)
    assert (got["status"], got["lastUpdated"], got["created"]) == ("ACTIVE", at(minutes=1), at())
    granted_to(apps, app_id, secret)
    again = apps.post(f"{URL}/{app_id}/lifecycle/activate", headers=SSWS)  # left as it is
    assert assert_json(again, 200) == {}
    assert assert_json(apps.post(f"{URL}/{app_id}/lifecycle/deactivate", headers=SSWS), 200) == {}
    invalid_client(client_token(apps, basic(app_id, secret)))


def test_delete_needs_a_deactivated_app(apps: TestClient) -> None:
    body = created(apps)
    app_id, secret = body["id"], body["credentials"]["oauthClient"]["client_secret"]
    with_causes(
        apps.delete(f"{URL}/{app_id}", headers=SSWS),
        403,
        ("E0000056", "Delete application forbidden."),
        ["The application must be deactivated before deletion."],
    )
    apps.post(f"{URL}/{app_id}/lifecycle/deactivate", headers=SSWS)
    deleted = apps.delete(f"{URL}/{app_id}", headers=SSWS)
    assert deleted.status_code == 204 and deleted.content == b""
    assert "content-type" not in deleted.headers
    assert_error(
        apps.get(f"{URL}/{app_id}", headers=SSWS), 404, not_found(f"{app_id} (AppInstance)")
    )
    invalid_client(client_token(apps, basic(app_id, secret)))
    assert app_id not in ids(apps.get(URL, headers=SSWS))


def test_a_deleted_custom_client_id_is_free_again(apps: TestClient) -> None:
    given = with_credentials(SERVICE, client_id="reused")
    first = created(apps, given, query="?activate=false")
    assert apps.delete(f"{URL}/{first['id']}", headers=SSWS).status_code == 204
    second = created(apps, given)
    assert second["id"] != first["id"]
    assert_error(
        apps.get(f"{URL}/{first['id']}", headers=SSWS),
        404,
        not_found(f"{first['id']} (AppInstance)"),
    )


@pytest.mark.parametrize("path", ["", "/lifecycle/activate", "/lifecycle/deactivate"])
def test_an_unknown_app_is_e0000007(apps: TestClient, path: str) -> None:
    url = f"{URL}/0oa00000000000000000{path}"
    response = apps.get(url, headers=SSWS) if not path else apps.post(url, headers=SSWS)
    assert_error(response, 404, not_found("0oa00000000000000000 (AppInstance)"))
    for response in (
        apps.put(f"{URL}/0oa00000000000000000", json=SERVICE, headers=SSWS),
        apps.delete(f"{URL}/0oa00000000000000000", headers=SSWS),
    ):
        assert_error(response, 404, not_found("0oa00000000000000000 (AppInstance)"))


METHOD = "credentials.oauthClient.token_endpoint_auth_method"


@pytest.mark.parametrize(
    ("body", "causes"),
    [
        (
            with_credentials(SPA, token_endpoint_auth_method="client_secret_basic"),
            [
                (
                    METHOD,
                    "The authentication method client_secret_basic is not valid for a browser app",
                )
            ],
        ),
        (
            with_credentials(SERVICE, token_endpoint_auth_method="none"),
            [(METHOD, "The authentication method none is not valid for a service app")],
        ),
        (
            with_credentials(SERVICE, token_endpoint_auth_method="private_key_jwt"),
            [
                (
                    "settings.oauthClient.jwks",
                    "private_key_jwt needs the client's public keys (jwks)",
                )
            ],
        ),
        (
            with_credentials(SPA, client_secret="nope"),
            [("credentials.oauthClient.client_secret", "A client using none has no client secret")],
        ),
        (
            {
                **SPA,
                "settings": {
                    "oauthClient": {
                        "application_type": "native",
                        "grant_types": ["client_credentials"],
                    }
                },
            },
            [
                (
                    "settings.oauthClient.grant_types",
                    "Client credentials is not a valid grant type for a public client",
                )
            ],
        ),
        (
            with_credentials(SERVICE, client_id="seeded-svc"),
            [("credentials.oauthClient.client_id", TAKEN)],
        ),
    ],
)
def test_a_body_okta_refuses_is_e0000001_with_its_causes(
    apps: TestClient, body: dict, causes: list[tuple[str, str]]
) -> None:
    validation_failed(create(apps, body), *causes)
    assert ids(apps.get(URL, headers=SSWS)) == ["seeded-svc"]  # nothing was made


@pytest.mark.parametrize(
    "change",
    [
        {"name": "bookmark"},
        {"signOnMode": "SAML_2_0"},
        {"label": ""},
        {"settings": {"oauthClient": {"application_type": "tv"}}},
        {"settings": {}},
    ],
)
def test_a_body_not_of_the_schema_is_not_well_formed(apps: TestClient, change: dict) -> None:
    assert_error(create(apps, {**SERVICE, **change}), 400, NOT_WELL_FORMED)


def test_replace_keeps_id_status_and_secret_unless_given(apps: TestClient) -> None:
    body = created(apps)
    app_id, secret = body["id"], body["credentials"]["oauthClient"]["client_secret"]
    advance(apps, 300)
    change = with_credentials(
        {**body, "label": "Renamed", "status": "INACTIVE"},
        token_endpoint_auth_method="client_secret_post",
    )
    del change["credentials"]["oauthClient"]["client_secret"]
    replaced = assert_json(apps.put(f"{URL}/{app_id}", json=change, headers=SSWS), 200)
    assert (replaced["label"], replaced["status"]) == ("Renamed", "ACTIVE")
    assert (replaced["created"], replaced["lastUpdated"]) == (at(), at(minutes=5))
    assert "client_secret" not in replaced["credentials"]["oauthClient"]
    form = {"client_id": app_id, "client_secret": secret}
    assert client_token(apps, **form).status_code == 200  # post now, the same secret
    invalid_client(client_token(apps, basic(app_id, secret)))  # basic no more
    new = with_credentials(change, client_secret="brand-new-secret", client_id="ignored")
    replaced = assert_json(apps.put(f"{URL}/{app_id}", json=new, headers=SSWS), 200)
    assert replaced["credentials"]["oauthClient"]["client_id"] == app_id
    assert replaced["credentials"]["oauthClient"]["client_secret"] == "brand-new-secret"
    invalid_client(client_token(apps, **form))
    assert client_token(apps, client_id=app_id, client_secret="brand-new-secret").status_code == 200


def test_replace_of_a_public_app_to_a_web_app_generates_a_secret(apps: TestClient) -> None:
    spa = created(apps, SPA)
    web = {**SPA, "settings": {"oauthClient": {"application_type": "web"}}}
    replaced = assert_json(apps.put(f"{URL}/{spa['id']}", json=web, headers=SSWS), 200)
    oauth_client = replaced["credentials"]["oauthClient"]
    assert oauth_client["token_endpoint_auth_method"] == "client_secret_basic"
    assert SECRET.match(oauth_client["client_secret"])
    bad = with_credentials(web, token_endpoint_auth_method="none")
    validation_failed(
        apps.put(f"{URL}/{spa['id']}", json=bad, headers=SSWS),
        (METHOD, "The authentication method none is not valid for a web app"),
    )


def test_a_fixture_app_is_listed_and_managed_by_the_api(apps: TestClient) -> None:
    (seeded,) = assert_json(apps.get(URL, headers=SSWS), 200)
    assert seeded["id"] == seeded["credentials"]["oauthClient"]["client_id"] == "seeded-svc"
    assert (seeded["label"], seeded["status"], seeded["created"]) == ("seeded-svc", "ACTIVE", at())
    granted_to(apps, "seeded-svc", "seeded-secret")
    apps.post(f"{URL}/seeded-svc/lifecycle/deactivate", headers=SSWS)
    invalid_client(client_token(apps, basic("seeded-svc", "seeded-secret")))
    assert apps.delete(f"{URL}/seeded-svc", headers=SSWS).status_code == 204
    assert ids(apps.get(URL, headers=SSWS)) == []


def test_list_pages_oldest_first_with_okta_link_headers(apps: TestClient) -> None:
    made = ["seeded-svc"]
    for number in range(3):
        advance(apps, 1)  # oldest first: by id within one second
        made.append(created(apps, {**SERVICE, "label": f"App {number}"})["id"])
    first = apps.get(f"{URL}?limit=2", headers=SSWS)
    assert ids(first) == made[:2]
    assert first.headers.get_list("link") == [
        f'<{ORG}/api/v1/apps?limit=2>; rel="self"',
        f'<{ORG}/api/v1/apps?after={made[1]}&limit=2>; rel="next"',
    ]
    last = apps.get(f"{URL}?after={made[1]}&limit=2", headers=SSWS)
    assert ids(last) == made[2:]
    assert last.headers.get_list("link") == [
        f'<{ORG}/api/v1/apps?after={made[1]}&limit=2>; rel="self"'
    ]


def test_q_and_filter(apps: TestClient) -> None:
    orders = created(apps)
    spa = created(apps, SPA, query="?activate=false")
    assert ids(apps.get(f"{URL}?q=orders", headers=SSWS)) == [orders["id"]]
    assert ids(apps.get(f"{URL}?q=STORE", headers=SSWS)) == [spa["id"]]
    assert len(ids(apps.get(f"{URL}?q=oidc", headers=SSWS))) == 3  # the name
    inactive = apps.get(URL, params={"filter": 'status eq "INACTIVE"'}, headers=SSWS)
    assert ids(inactive) == [spa["id"]]
    named = apps.get(URL, params={"filter": 'name eq "oidc_client"'}, headers=SSWS)
    assert len(ids(named)) == 3
    bad = apps.get(URL, params={"filter": 'label eq "x"'}, headers=SSWS)
    assert_error(bad, 400, ("E0000031", "Bad request. Invalid filter parameter."))


def test_oauth_scopes_read_and_manage(apps: TestClient) -> None:
    tokens = [
        {"token": READ, "scopes": ["okta.apps.read"]},
        {"token": MANAGE, "scopes": ["okta.apps.manage"]},
    ]
    seed(apps, {"okta": {"oauth_tokens": tokens}})
    assert_json(apps.get(URL, headers=bearer(READ)), 200)
    assert_json(apps.get(f"{URL}/seeded-svc", headers=bearer(READ)), 200)
    assert_error(create(apps, SERVICE, bearer(READ)), 403, NO_PERMISSION)
    body = assert_json(create(apps, SERVICE, bearer(MANAGE)), 200)
    denied = apps.post(f"{URL}/{body['id']}/lifecycle/deactivate", headers=bearer(READ))
    assert_error(denied, 403, NO_PERMISSION)
    assert_error(apps.delete(f"{URL}/{body['id']}", headers=bearer(READ)), 403, NO_PERMISSION)
    assert_error(apps.get(URL), 401, ("E0000011", "Invalid token provided"))


def test_the_apps_bucket_limits_the_api(apps: TestClient) -> None:
    seed(apps, {"okta": {"settings": {"rate_limits": {"apps": 2}}}})
    first = apps.get(URL, headers=SSWS)
    assert first.headers["x-rate-limit-limit"] == "2"
    assert first.headers["x-rate-limit-remaining"] == "1"
    assert apps.get(f"{URL}/seeded-svc", headers=SSWS).status_code == 200
    spent = apps.get(URL, headers=SSWS)
    assert_error(spent, 429, ("E0000047", "API call exceeded rate limit due to too many requests."))
