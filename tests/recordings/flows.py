"""A short flow of each vendor, logging in and out, run by an httpx client against a Sessim
(or a proxy before one) that loaded FIXTURE: the calls' statuses, in order, and the secrets
it sent and was handed, which a redacted recording must not hold."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from tests.contract.fixture import contract_fixture

FIXTURE = contract_fixture()  # the demo accounts, Okta's rate limits out of the way
OKTA_USER = FIXTURE["okta"]["users"][0]
OKTA_TOKEN = FIXTURE["okta"]["api_tokens"][0]
SFCC_CLIENT = FIXTURE["sfcc"]["clients"][0]["client_id"]
SFCC_CUSTOMER = FIXTURE["sfcc"]["customers"][0]
SFCC = "/sfcc/s/RefArch/dw/shop/v20_8"
VESTIAIRE_USER = FIXTURE["vestiaire"]["users"][0]
OPTI_CLIENT = FIXTURE["optimizely"]["clients"][0]
OPTI_USER = FIXTURE["optimizely"]["users"][0]


@dataclass
class Flow:
    """What a flow did: each call's method, path and status, in order; the secrets (the
    journal redacts them); the session ids that also travel as a cookie or a secret header
    (the journal shows them where they are ids, `sessim record --redact` hides them
    everywhere); the names of the cookies its answers set."""

    calls: list[tuple[str, str, int]] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    cookies: set[str] = field(default_factory=set)

    def send(
        self, client: httpx.Client, method: str, path: str, **options: object
    ) -> httpx.Response:
        response = client.request(method, path, **options)  # type: ignore[arg-type]
        self.calls.append((method, path, response.status_code))
        self.cookies |= {cookie.split("=")[0] for cookie in response.headers.get_list("set-cookie")}
        return response


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def okta(client: httpx.Client) -> Flow:
    flow = Flow(secrets=[OKTA_USER["password"], OKTA_TOKEN])
    login = {"username": OKTA_USER["login"], "password": OKTA_USER["password"]}
    token = flow.send(client, "POST", "/okta/api/v1/authn", json=login).json()["sessionToken"]
    ssws = {"Authorization": f"SSWS {OKTA_TOKEN}"}
    created = flow.send(
        client, "POST", "/okta/api/v1/sessions", json={"sessionToken": token}, headers=ssws
    ).json()
    flow.send(client, "GET", f"/okta/api/v1/sessions/{created['id']}", headers=ssws)
    again = flow.send(client, "POST", "/okta/api/v1/authn", json=login).json()["sessionToken"]
    redirect = {"token": again, "redirectUrl": "https://app.example.com/"}
    flow.send(
        client, "GET", "/okta/login/sessionCookieRedirect", params=redirect, follow_redirects=False
    )
    flow.ids.append(client.cookies["sid"])  # the second session's, set as a cookie
    flow.send(client, "GET", "/okta/api/v1/sessions/me")  # with that cookie
    flow.send(client, "DELETE", "/okta/api/v1/sessions/me")
    wrong = {**login, "password": "not-the-password"}
    flow.send(client, "POST", "/okta/api/v1/authn", json=wrong)
    flow.secrets += [token, again, "not-the-password"]
    return flow


def sfcc(client: httpx.Client) -> Flow:
    flow = Flow(secrets=[SFCC_CUSTOMER["password"]])
    headers = {
        "x-dw-client-id": SFCC_CLIENT,
        "Authorization": basic(SFCC_CUSTOMER["login"], SFCC_CUSTOMER["password"]),
    }
    body = {"type": "credentials"}
    authed = flow.send(client, "POST", f"{SFCC}/customers/auth", json=body, headers=headers)
    jwt = authed.headers["authorization"].removeprefix("Bearer ")
    bearer = {"x-dw-client-id": SFCC_CLIENT, "Authorization": f"Bearer {jwt}"}
    flow.send(client, "POST", f"{SFCC}/sessions", headers=bearer)
    flow.send(client, "POST", f"{SFCC}/customers/auth", json={"type": "refresh"}, headers=bearer)
    flow.secrets.append(jwt)
    flow.ids += list(client.cookies.values())  # dwsid, and the customer's id
    return flow


def vestiaire(client: httpx.Client) -> Flow:
    flow = Flow(secrets=[VESTIAIRE_USER["password"]])
    login = {"email": VESTIAIRE_USER["email"], "password": VESTIAIRE_USER["password"]}
    created = flow.send(client, "POST", "/vestiaire/sessions", json=login).json()["data"]
    session = created["id"]
    flow.send(client, "DELETE", f"/vestiaire/sessions/{session}", headers={"__session": session})
    flow.ids.append(session)
    flow.send(client, "POST", "/vestiaire/sessions", json={**login, "password": "nope-nope"})
    return flow


def optimizely(client: httpx.Client) -> Flow:
    flow = Flow(secrets=[OPTI_USER["password"], OPTI_CLIENT["client_secret"]])
    form = {
        "grant_type": "password",
        "username": OPTI_USER["userName"],
        "password": OPTI_USER["password"],
        "scope": "iscapi offline_access",
    }
    headers = {"Authorization": basic(OPTI_CLIENT["client_id"], OPTI_CLIENT["client_secret"])}
    token = "/optimizely/identity/connect/token"
    tokens = flow.send(client, "POST", token, data=form, headers=headers).json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    flow.send(client, "GET", "/optimizely/api/v1/sessions/current", headers=bearer)
    flow.send(client, "DELETE", "/optimizely/api/v1/sessions/current", headers=bearer)
    flow.secrets += [tokens["access_token"], tokens["refresh_token"]]
    return flow


FLOWS: dict[str, Callable[[httpx.Client], Flow]] = {
    "okta": okta,
    "sfcc": sfcc,
    "vestiaire": vestiaire,
    "optimizely": optimizely,
}
