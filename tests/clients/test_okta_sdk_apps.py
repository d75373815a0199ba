"""Okta's Python SDK (okta==3.0.0, unmodified) sets up an OIDC application as an SDK
integration test would: creates a service app through the Apps API, reads and lists it,
then the app gets a client_credentials token from the default authorization server at once
(one store of applications), verified against the server's keys; deactivated, the app is
refused at the token endpoint; deleted, it is gone."""

from __future__ import annotations

import httpx
import jwt

from tests.clients.test_okta_sdk import (  # _plain_http: the SDK's http:// switch, autouse
    API_TOKEN,
    ORG_ID,
    _plain_http,  # noqa: F401
    ok,
    okta_client,
    okta_error,
    run,
    sdk,
)

SCOPE = "orders:read"


def seed(base: str) -> None:
    server = {"id": "default", "scopes": [{"name": SCOPE}]}
    okta = {"org_id": ORG_ID, "api_tokens": [API_TOKEN], "authorization_servers": [server]}
    response = httpx.post(f"{base}/_admin/seed", json={"okta": okta})
    assert response.status_code == 200, response.text


def service_app() -> object:
    """As the SDK's own application tests build an OIDC app: label, credentials, settings."""
    oauth_client = sdk.ApplicationCredentialsOAuthClient(
        token_endpoint_auth_method=sdk.OAuthEndpointAuthenticationMethod.CLIENT_SECRET_BASIC
    )
    settings = sdk.OpenIdConnectApplicationSettingsClient(
        application_type=sdk.OpenIdConnectApplicationType.SERVICE,
        grant_types=[sdk.OAuthGrantType.CLIENT_CREDENTIALS],
        response_types=[sdk.OAuthResponseType.TOKEN],
    )
    return sdk.OpenIdConnectApplication(
        label="Orders service",
        sign_on_mode=sdk.ApplicationSignOnMode.OPENID_CONNECT,
        credentials=sdk.OAuthApplicationCredentials(oauth_client=oauth_client),
        settings=sdk.OpenIdConnectApplicationSettings(oauth_client=settings),
    )


def client_credentials(base: str, client_id: str, secret: str) -> httpx.Response:
    return httpx.post(
        f"{base}/okta/oauth2/default/v1/token",
        data={"grant_type": "client_credentials", "scope": SCOPE},
        auth=(client_id, secret),
    )


def verified(base: str, access_token: str) -> dict:
    keys = httpx.get(f"{base}/okta/oauth2/default/v1/keys").json()
    kid = jwt.get_unverified_header(access_token)["kid"]
    (key,) = [jwt.PyJWK(k) for k in keys["keys"] if k["kid"] == kid]
    return jwt.decode(
        access_token,
        key.key,
        algorithms=["RS256"],
        audience="api://default",
        issuer=f"{base}/okta/oauth2/default",
        options={"verify_exp": False, "verify_iat": False},  # Sessim's clock, not this one
    )


def test_an_oidc_app_set_up_by_the_sdk_gets_tokens_at_once(live_server: str) -> None:
    seed(live_server)

    async def scenario() -> None:
        client, _, _ = okta_client(live_server)
        async with client:
            app = ok(await client.create_application(service_app()))
            assert isinstance(app, sdk.OpenIdConnectApplication)
            assert app.status is sdk.ApplicationLifecycleStatus.ACTIVE
            assert app.name == "oidc_client" and app.label == "Orders service"
            client_id = app.credentials.oauth_client.client_id
            secret = app.credentials.oauth_client.client_secret
            assert client_id == app.id and secret

            got = ok(await client.get_application(app.id))
            assert isinstance(got, sdk.OpenIdConnectApplication)
            assert got.settings.oauth_client.application_type is (
                sdk.OpenIdConnectApplicationType.SERVICE
            )
            listed = ok(await client.list_applications(q="Orders"))
            assert [each.id for each in listed] == [app.id]

            response = client_credentials(live_server, client_id, secret)
            assert response.status_code == 200, response.text
            claims = verified(live_server, response.json()["access_token"])
            assert (claims["cid"], claims["sub"], claims["scp"]) == (client_id, client_id, [SCOPE])

            deactivated = await client.deactivate_application(app.id)
            assert deactivated[-1] is None, deactivated
            assert client_credentials(live_server, client_id, secret).status_code == 401
            deleted = await client.delete_application(app.id)
            assert deleted[-1] is None, deleted
            missing = f"Not found: Resource not found: {app.id} (AppInstance)"
            okta_error(await client.get_application(app.id), 404, "E0000007", missing)

    run(scenario())
