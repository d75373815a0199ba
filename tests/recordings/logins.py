"""A login flow of each vendor, as a recording of it holds it, and the same login sent
again to another Sessim, checked to answer as recorded."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import yaml
from sessim.core.web.api import Api
from sessim.recordings.model import Interaction
from sessim.registry import VENDORS

from .support import body

Flow = Callable[[httpx.Client, str], list[httpx.Response]]
# A client, the fresh Sessim's base URL of the vendor, the recorded flow -> the login sent again.
Again = Callable[[httpx.Client, str, list[Interaction]], httpx.Response]

OKTA_SSWS = {"Authorization": "SSWS 00sessim-demo-api-token"}
SFCC_AUTH = "/s/RefArch/dw/shop/v20_8/customers/auth"
SFCC_HEADERS = {
    "x-dw-client-id": "a" * 30,
    "Authorization": "Basic " + base64.b64encode(b"jane.demo@sessim.dev:sessim-sfcc-demo").decode(),
}
OPTIMIZELY_CLIENT = {
    "Authorization": "Basic "
    + base64.b64encode(b"isc:009AC476-B28E-4E33-8BAE-B5F103A142BC").decode()
}
OPTIMIZELY_LOGIN = {"userName": "buyer1", "password": "sessim-opti-demo1"}


OKTA_TOKEN = "/oauth2/default/v1/token"
OKTA_WEB_APP = {
    "Authorization": "Basic "
    + base64.b64encode(b"0oa5essimDemoWeb0d7x:sessim-demo-web-secret").decode()
}


def okta_flow(client: httpx.Client, url: str) -> list[httpx.Response]:
    """A primary authentication, a read of its user, and the web app's password grant."""
    login = {"username": "dana.demo@sessim.dev", "password": "sessim-okta-demo"}
    authn = client.post(f"{url}/api/v1/authn", json=login)
    user_id = authn.json()["_embedded"]["user"]["id"]
    user = client.get(f"{url}/api/v1/users/{user_id}", headers=OKTA_SSWS)
    grant = {"grant_type": "password", "username": "lee.demo@sessim.dev", "scope": "openid"}
    token = {**grant, "password": "sessim-okta-demo"}
    return [authn, user, client.post(f"{url}{OKTA_TOKEN}", data=token, headers=OKTA_WEB_APP)]


def okta_again(client: httpx.Client, url: str, flow: list[Interaction]) -> httpx.Response:
    authn, user, token = flow
    again = client.post(f"{url}/api/v1/authn", content=authn.request.body, headers=_json())
    assert again.is_success, again.text
    read = client.get(f"{url}/api/v1/users/{body(user)['id']}", headers=OKTA_SSWS)
    assert read.json()["profile"] == body(user)["profile"]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    return client.post(
        f"{url}{OKTA_TOKEN}", content=token.request.body, headers={**OKTA_WEB_APP, **form}
    )


def sfcc_flow(client: httpx.Client, url: str) -> list[httpx.Response]:
    return [client.post(f"{url}{SFCC_AUTH}", json={"type": "credentials"}, headers=SFCC_HEADERS)]


def sfcc_again(client: httpx.Client, url: str, flow: list[Interaction]) -> httpx.Response:
    again = client.post(f"{url}{SFCC_AUTH}", json={"type": "credentials"}, headers=SFCC_HEADERS)
    shown = ("customer_no", "email", "first_name", "last_name", "login")
    assert {key: again.json().get(key) for key in shown} == {
        key: body(flow[0]).get(key) for key in shown
    }
    return again


def vestiaire_flow(client: httpx.Client, url: str) -> list[httpx.Response]:
    return [
        client.post(f"{url}/sessions", json={"email": "demo@sessim.dev", "password": "sessim-demo"})
    ]


def vestiaire_again(client: httpx.Client, url: str, flow: list[Interaction]) -> httpx.Response:
    again = client.post(f"{url}/sessions", content=flow[0].request.body, headers=_json())
    assert again.json()["data"]["userId"] == body(flow[0])["data"]["userId"]
    return again


def optimizely_flow(client: httpx.Client, url: str) -> list[httpx.Response]:
    token = _optimizely_token(client, url)
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    website = client.get(f"{url}/api/v1/websites/current", headers=bearer)
    signed_in = client.post(f"{url}/api/v1/sessions", json=OPTIMIZELY_LOGIN, headers=bearer)
    return [token, website, signed_in, client.get(f"{url}/api/v1/sessions/current", headers=bearer)]


def _optimizely_token(client: httpx.Client, url: str) -> httpx.Response:
    form = {"grant_type": "password", "username": "buyer1", "password": "sessim-opti-demo1"}
    return client.post(f"{url}/identity/connect/token", data=form, headers=OPTIMIZELY_CLIENT)


def optimizely_again(client: httpx.Client, url: str, flow: list[Interaction]) -> httpx.Response:
    token = _optimizely_token(client, url)
    assert token.is_success, token.text
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    website = client.get(f"{url}/api/v1/websites/current", headers=bearer)
    assert (website.json()["id"], website.json()["name"]) == (
        body(flow[1])["id"],
        body(flow[1])["name"],
    )
    again = client.post(
        f"{url}/api/v1/sessions", content=flow[2].request.body, headers={**bearer, **_json()}
    )
    assert again.json()["email"] == body(flow[2])["email"]
    return again


def _json() -> dict[str, str]:
    return {"Content-Type": "application/json"}


@dataclass(frozen=True)
class LoginFlow:
    api: Api
    record: Flow
    again: Again


# The built-in vendors' flows, deeper than their contract's sign-in (test_seeds.py runs that
# for every vendor of the registry).
LOGINS: dict[str, LoginFlow] = {
    "okta": LoginFlow(VENDORS["okta"], okta_flow, okta_again),
    "optimizely": LoginFlow(VENDORS["optimizely"], optimizely_flow, optimizely_again),
    "sfcc": LoginFlow(VENDORS["sfcc"], sfcc_flow, sfcc_again),
    "vestiaire": LoginFlow(VENDORS["vestiaire"], vestiaire_flow, vestiaire_again),
}


def demo(api: Api) -> dict:
    """The vendor's section of the demo fixture."""
    return yaml.safe_load(api.demo.read_text()) if api.demo else {}
