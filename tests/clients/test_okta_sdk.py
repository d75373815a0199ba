"""Okta's official Python SDK (okta==3.0.0, unmodified) against Sessim on a real uvicorn.

The SDK builds every URL as orgUrl + "/api/v1/...", so orgUrl may carry Sessim's /okta path.
It speaks plain http only with OKTA_TESTING_TESTINGDISABLEHTTPSCHECK set. Its response cache
is off by default; the tests pin that, since a cached GET would hide a refresh or a revoke.
Each test attempt goes through a subclass of the SDK's own HTTPClient (the `httpClient`
extension point) that notes the headers sent and the response, without changing either;
a subclass of its RequestExecutor (`requestExecutor`) waits a 429's backoff on Sessim's
clock, so that the retry tests assert emulated times and never wait or time real ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
import httpx
import pytest


class LazySdk:
    """tests/clients/okta_sdk.py, imported on the first use of one of its public names:
    collecting this module loads nothing (pytest probes every name in it for private marks
    such as `_fixture_function_marker`; answering those loaded the SDK in every worker)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        from tests.clients import okta_sdk

        return getattr(okta_sdk, name)


sdk = LazySdk()

ORG_ID = "00oSessimSdkTest0001"
API_TOKEN = "00SessimSdkApiToken-0123456789abcdef"
USER = {
    "login": "ana@example.com",
    "password": "correct horse",
    "firstName": "Ana",
    "lastName": "Lima",
}
# The browser's app, a trusted origin that sessionCookieRedirect may send it back to.
APP_ORIGIN = {"name": "App", "origin": "https://app.example.com", "scopes": [{"type": "REDIRECT"}]}
TOO_MANY = "API call exceeded rate limit due to too many requests."
FROZEN_AT = "2030-01-01T00:00:00Z"  # rate limit windows and backoffs in whole seconds

# What 3.0.0's session calls return: (model, ApiResponse, None) on success, (None, ApiResponse
# with status 204, None) for an empty body, (None, aiohttp response, OktaAPIError) on error, but
# (aiohttp response, OktaAPIError) when revokeSession fails.
Result = tuple[Any, Any, Any]


@dataclass(frozen=True)
class Exchange:
    """One HTTP attempt as the SDK made it: the headers on the wire and what came back."""

    sent: Mapping[str, str]
    status: int
    headers: Mapping[str, str]
    body: str


@pytest.fixture(autouse=True)
def _plain_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK rejects an http:// orgUrl unless this is set (a `testing` key in the dict is
    merged under `client`, where it has no effect)."""
    monkeypatch.setenv("OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", "true")


def seed(base: str, **settings: object) -> None:
    okta: dict[str, object] = {
        "org_id": ORG_ID,
        "api_tokens": [API_TOKEN],
        "users": [USER],
        "trusted_origins": [APP_ORIGIN],
    }
    if settings:
        okta["settings"] = settings
    response = httpx.post(f"{base}/_admin/seed", json={"okta": okta})
    assert response.status_code == 200, response.text


@pytest.fixture
def org(live_server: str) -> str:
    seed(live_server)
    return live_server


def authn(base: str) -> tuple[str, str]:
    """Primary authentication by plain HTTP (the SDK has no call for it): sessionToken, user id."""
    response = httpx.post(
        f"{base}/okta/api/v1/authn",
        json={"username": USER["login"], "password": USER["password"]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "SUCCESS"
    return body["sessionToken"], body["_embedded"]["user"]["id"]


def okta_client(
    base: str, token: str = API_TOKEN, **config: object
) -> tuple[sdk.OktaClient, list[Exchange], list[float]]:
    """The SDK's client, the exchanges it makes and the backoffs it waits (in seconds)."""
    exchanges: list[Exchange] = []
    backoffs: list[float] = []

    class OnSessimsClock(sdk.RequestExecutor):
        """The SDK's executor (the `requestExecutor` extension point), whose backoff
        advances Sessim's clock instead of sleeping: no real time to wait or to measure."""

        async def pause_for_backoff(self, backoff_time: float) -> None:
            backoffs.append(float(backoff_time))
            advance_clock(base, float(backoff_time))

    class Recording(sdk.HTTPClient):
        async def send_request(self, request: dict) -> tuple:
            result = await super().send_request(request)
            request_info, response, body, _ = result
            if response is not None:
                exchange = Exchange(request_info.headers, response.status, response.headers, body)
                exchanges.append(exchange)
            return result

    user_config = {
        "orgUrl": f"{base}/okta",
        "token": token,
        "cache": {"enabled": False},
        "httpClient": Recording,
        "requestExecutor": OnSessimsClock,
        **config,
    }
    return sdk.OktaClient(user_config), exchanges, backoffs


def run(scenario: Coroutine[Any, Any, None]) -> None:
    asyncio.run(scenario)


def advance_clock(base: str, seconds: float) -> None:
    response = httpx.post(f"{base}/_admin/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text


def ok(result: Result, status: int = 200) -> Any:
    """The model of a successful call, after checking the tuple around it."""
    model, response, error = result
    assert error is None, error
    assert isinstance(response, sdk.ApiResponse)
    assert response.status_code == status
    return model


def okta_error(result: Result, status: int, code: str, summary: str) -> sdk.OktaAPIError:
    """The sdk.OktaAPIError of a failed call, after checking the tuple and the Okta Error body."""
    model, response, error = result
    assert model is None
    assert isinstance(response, aiohttp.ClientResponse)
    assert response.status == status
    assert isinstance(error, sdk.OktaAPIError), error
    assert (error.status, error.error_code, error.error_summary) == (status, code, summary)
    assert error.error_link == code
    assert error.error_causes == []
    assert error.error_id.startswith("oae") and len(error.error_id) == 25
    assert error.message == f"Okta HTTP {status} {code} {summary}\n"
    return error


def test_session_lifecycle(org: str) -> None:
    frozen = httpx.put(f"{org}/_admin/clock", json={"frozen": True})  # whole-second sums below
    assert frozen.status_code == 200, frozen.text
    session_token, user_id = authn(org)

    async def scenario() -> None:
        client, exchanges, _ = okta_client(org)
        async with client:
            request = sdk.CreateSessionRequest(session_token=session_token)
            created = ok(await client.create_session(request))
            assert isinstance(created, sdk.Session)
            assert created.id.startswith("102") and len(created.id) == 25
            assert created.status is sdk.SessionStatus.ACTIVE
            assert created.amr == [sdk.SessionAuthenticationMethod.PWD]
            okta_idp = sdk.SessionIdentityProviderType.OKTA
            assert created.idp == sdk.SessionIdentityProvider(id=ORG_ID, type=okta_idp)
            assert (created.login, created.user_id) == (USER["login"], user_id)
            assert created.expires_at - created.created_at == timedelta(minutes=120)

            read = ok(await client.get_session(created.id))
            assert isinstance(read, sdk.Session)
            assert (read.id, read.user_id, read.expires_at) == (
                created.id,
                user_id,
                created.expires_at,
            )
            # createSession, whose only scheme is apiToken, falls back to the executor's
            # "SSWS <token>"; the others send the oauth2 scheme's value, "SSWS<token>".
            authorizations = [exchange.sent["Authorization"] for exchange in exchanges]
            assert authorizations == [f"SSWS {API_TOKEN}", f"SSWS{API_TOKEN}"]

            advance_clock(org, 600)
            refreshed = ok(await client.refresh_session(created.id))
            assert isinstance(refreshed, sdk.Session) and refreshed.id == created.id
            assert refreshed.expires_at - created.expires_at == timedelta(seconds=600)

            assert ok(await client.revoke_session(created.id), status=204) is None

            gone = f"Not found: Resource not found: {created.id} (AppSession)"
            okta_error(await client.get_session(created.id), 404, "E0000007", gone)
            okta_error(await client.refresh_session(created.id), 404, "E0000007", gone)
            # revokeSession has no response model, so 3.0.0 drops the model slot on error.
            response, error = await client.revoke_session(created.id)
            okta_error((None, response, error), 404, "E0000007", gone)

    run(scenario())


def test_a_session_token_works_once(org: str) -> None:
    session_token, _ = authn(org)

    async def scenario() -> None:
        client, exchanges, _ = okta_client(org)
        async with client:
            request = sdk.CreateSessionRequest(session_token=session_token)
            assert isinstance(ok(await client.create_session(request)), sdk.Session)
            again = await client.create_session(request)
            okta_error(again, 401, "E0000004", "Authentication failed")
            # Without a sessionToken the SDK prunes the body to nothing and sends none.
            empty = await client.create_session(sdk.CreateSessionRequest())
            okta_error(empty, 400, "E0000003", "The request body was not well-formed.")
        assert exchanges[-1].sent.get("Content-Length") == "0"

    run(scenario())


def test_a_browser_session_from_the_cookie_exchange(org: str) -> None:
    """The SDK has no call for the browser's exchange (okta-auth-js makes it), so a browser
    stand-in (httpx, keeping cookies) makes it; the SDK then reads, refreshes and revokes the
    session it made, with the API token, and the cookie's /sessions/me follows."""
    session_token, user_id = authn(org)
    browser = httpx.Client(base_url=f"{org}/okta")
    query = {"token": session_token, "redirectUrl": "https://app.example.com/"}
    redirect = browser.get("/login/sessionCookieRedirect", params=query)
    assert redirect.status_code == 302
    assert redirect.headers["location"] == "https://app.example.com/"
    session_id = browser.cookies["sid"]
    assert browser.get("/api/v1/sessions/me").json()["id"] == session_id

    async def scenario() -> None:
        client, exchanges, _ = okta_client(org)
        async with client:
            read = ok(await client.get_session(session_id))
            assert isinstance(read, sdk.Session)
            assert (read.id, read.user_id, read.login) == (session_id, user_id, USER["login"])
            refreshed = ok(await client.refresh_session(session_id))
            assert isinstance(refreshed, sdk.Session) and refreshed.id == session_id
            # Real Okta's answer to a refresh by id sets the browser session again.
            cookies = exchanges[-1].headers.getall("Set-Cookie")
            assert f"sid={session_id};Version=1;Path=/;Secure" in cookies
            assert ok(await client.revoke_session(session_id), status=204) is None

    run(scenario())
    assert browser.get("/api/v1/sessions/me").status_code == 404
    spent = browser.get("/login/sessionCookieRedirect", params=query)
    assert (spent.status_code, spent.headers.get("set-cookie")) == (302, None)
    browser.close()


def test_an_unknown_api_token_is_refused(org: str) -> None:
    session_token, _ = authn(org)

    async def scenario() -> None:
        client, exchanges, _ = okta_client(org, token="00NotAnApiTokenOfThisOrg")
        async with client:
            read = await client.get_session("102aaaaaaaaaaaaaaaaaaaaaa")
            okta_error(read, 401, "E0000011", "Invalid token provided")
            request = sdk.CreateSessionRequest(session_token=session_token)
            created = await client.create_session(request)
            okta_error(created, 401, "E0000011", "Invalid token provided")
        assert exchanges[0].sent["Authorization"] == "SSWS00NotAnApiTokenOfThisOrg"

        # Turned away before the handler: the sessionToken is still good for the right token.
        client, _, _ = okta_client(org)
        async with client:
            request = sdk.CreateSessionRequest(session_token=session_token)
            assert isinstance(ok(await client.create_session(request)), sdk.Session)

    run(scenario())


async def spend_sessions_bucket(client: sdk.OktaClient, base: str, limit: int) -> sdk.Session:
    """Create a session and read it until the sessions bucket (of `limit`) is empty."""
    session_token, _ = authn(base)  # the authn bucket is another one
    session = ok(await client.create_session(sdk.CreateSessionRequest(session_token=session_token)))
    for _ in range(limit - 1):
        ok(await client.get_session(session.id))
    return session


def freeze_clock(base: str) -> float:
    """Freeze Sessim's clock at a whole second; its epoch seconds."""
    response = httpx.put(f"{base}/_admin/clock", json={"now": FROZEN_AT, "frozen": True})
    assert response.status_code == 200, response.text
    return datetime.fromisoformat(response.json()["now"]).timestamp()


def test_a_429_is_retried_after_the_reset(live_server: str) -> None:
    seed(live_server, rate_limits={"sessions": 3}, rate_limit_window_seconds=60)
    now = freeze_clock(live_server)

    async def scenario() -> None:
        client, exchanges, backoffs = okta_client(live_server)
        async with client:
            session = await spend_sessions_bucket(client, live_server, 3)
            assert exchanges[-1].headers["X-Rate-Limit-Remaining"] == "0"
            spent = len(exchanges)
            read = ok(await client.get_session(session.id))
        assert isinstance(read, sdk.Session) and read.id == session.id

        refused, retried = exchanges[spent:]  # one retry, then done
        assert refused.status == 429
        assert '"errorCode": "E0000047"' in refused.body and TOO_MANY in refused.body
        assert refused.headers["X-Rate-Limit-Limit"] == "3"
        assert refused.headers["X-Rate-Limit-Remaining"] == "0"
        assert refused.headers["X-Rate-Limit-Reset"] == str(int(now) + 60)
        # The SDK's backoff, X-Rate-Limit-Reset - Date + 1 second, waited on Sessim's clock.
        assert backoffs == [61.0]
        assert http_seconds(retried.headers["Date"]) == http_seconds(refused.headers["Date"]) + 61

        assert retried.sent["X-Okta-Retry-For"] == refused.headers["X-Okta-Request-Id"]
        assert retried.sent["X-Okta-Retry-Count"] == "1"
        assert retried.status == 200
        # The retry opened a fresh window and was counted in it.
        assert retried.headers["X-Rate-Limit-Remaining"] == "2"

    run(scenario())


def test_no_retries_hands_back_the_429(live_server: str) -> None:
    seed(live_server, rate_limits={"sessions": 2}, rate_limit_window_seconds=60)
    now = freeze_clock(live_server)

    async def scenario() -> None:
        client, exchanges, backoffs = okta_client(live_server, rateLimit={"maxRetries": 0})
        async with client:
            session = await spend_sessions_bucket(client, live_server, 2)
            spent = len(exchanges)
            refused = await client.get_session(session.id)
        error = okta_error(refused, 429, "E0000047", TOO_MANY)
        assert len(exchanges) == spent + 1 and backoffs == []
        assert error.headers["X-Rate-Limit-Remaining"] == "0"
        assert error.headers["X-Rate-Limit-Reset"] == str(int(now) + 60)

    run(scenario())


def http_seconds(date: str) -> float:
    return parsedate_to_datetime(date).timestamp()


def add_fault(base: str, **rule: object) -> dict:
    response = httpx.post(f"{base}/_admin/faults", json=rule)
    assert response.status_code == 201, response.text
    return response.json()


def fault_rule(base: str, rule_id: str) -> dict:
    rules = httpx.get(f"{base}/_admin/faults").json()["rules"]
    return next(rule for rule in rules if rule["id"] == rule_id)


async def new_session(client: sdk.OktaClient, base: str) -> sdk.Session:
    session_token, _ = authn(base)
    session = ok(await client.create_session(sdk.CreateSessionRequest(session_token=session_token)))
    assert isinstance(session, sdk.Session)
    return session


def test_an_injected_429_is_retried_through(org: str) -> None:
    """The SDK's backoff is X-Rate-Limit-Reset - Date + 1: an injected 429's window ends at
    the end of its second, so on a clock frozen at a whole second it waits one second."""
    now = freeze_clock(org)

    async def scenario() -> None:
        client, exchanges, backoffs = okta_client(org)
        async with client:
            session = await new_session(client, org)
            rule = add_fault(
                org, vendor="okta", operationId="getSession", action="status", status=429, times=1
            )
            read = ok(await client.get_session(session.id))
        assert isinstance(read, sdk.Session) and read.id == session.id

        refused, retried = exchanges[1:]
        assert refused.status == 429
        assert '"errorCode": "E0000047"' in refused.body and TOO_MANY in refused.body
        assert refused.headers["X-Rate-Limit-Limit"] == "375"  # the sessions bucket's
        assert refused.headers["X-Rate-Limit-Remaining"] == "0"
        assert refused.headers["X-Rate-Limit-Reset"] == str(int(now))
        assert backoffs == [1.0]
        assert retried.sent["X-Okta-Retry-For"] == refused.headers["X-Okta-Request-Id"]
        assert retried.sent["X-Okta-Retry-Count"] == "1"
        assert retried.status == 200
        after = fault_rule(org, rule["id"])
        assert (after["matched"], after["remaining"]) == (2, 0)

    run(scenario())


def test_an_injected_500_is_not_retried(org: str) -> None:
    """The SDK retries 429, 503 and 504 only: a 500 comes back from the first attempt."""

    async def scenario() -> None:
        client, exchanges, backoffs = okta_client(org)
        async with client:
            session = await new_session(client, org)
            rule = add_fault(org, operationId="getSession", action="status", status=500)
            failed = await client.get_session(session.id)
        okta_error(failed, 500, "E0000009", "Internal Server Error")
        assert [exchange.status for exchange in exchanges] == [200, 500]
        assert backoffs == []
        assert fault_rule(org, rule["id"])["matched"] == 1

    run(scenario())


def test_a_run_of_503s_outlasts_the_retries(org: str) -> None:
    """A 503 is retried at once (the backoff is for 429s), maxRetries times (2 by default):
    a run of three 503s is the SDK's error, and the next call finds Okta back."""

    async def scenario() -> None:
        client, exchanges, backoffs = okta_client(org)
        async with client:
            session = await new_session(client, org)
            rule = add_fault(org, operationId="getSession", action="status", status=503, times=3)
            failed = await client.get_session(session.id)
            okta_error(failed, 503, "E0000010", "Service is in read only mode")
            assert [exchange.status for exchange in exchanges] == [200, 503, 503, 503]
            assert [exchange.sent.get("X-Okta-Retry-Count") for exchange in exchanges[1:]] == [
                None,
                "1",
                "2",
            ]
            assert backoffs == []
            assert fault_rule(org, rule["id"])["remaining"] == 0
            read = ok(await client.get_session(session.id))
        assert isinstance(read, sdk.Session) and read.id == session.id

    run(scenario())


NEW_LOGIN = "john.doe-lifecycle@example.com"
NEW_PASSWORD = "Password150kta"


def new_user_request() -> Any:
    """As the SDK's own integration tests (test_users_it) make users: profile and password."""
    profile = sdk.UserProfile(
        first_name="John", last_name="Doe-Lifecycle", email=NEW_LOGIN, login=NEW_LOGIN
    )
    credentials = sdk.UserCredentials(password=sdk.PasswordCredential(value=NEW_PASSWORD))
    return sdk.CreateUserRequest(profile=profile, credentials=credentials)


def signs_in(base: str, login: str, password: str) -> int:
    response = httpx.post(
        f"{base}/okta/api/v1/authn", json={"username": login, "password": password}
    )
    return response.status_code


def test_users_set_up_and_clean_up(org: str) -> None:
    """The set-up and clean-up of the SDK's own integration tests: a staged user with a
    password, activated without an email, signing in at once; suspended and back; then
    deactivated (no more sign-ins) and deleted (404 after)."""

    async def scenario() -> None:
        client, exchanges, _ = okta_client(org)
        async with client:
            created = ok(await client.create_user(new_user_request(), activate=False))
            assert isinstance(created, sdk.User)
            assert created.status is sdk.UserStatus.STAGED and created.activated is None
            assert created.profile.login == NEW_LOGIN and created.profile.first_name == "John"
            assert exchanges[-1].sent["Authorization"] == f"SSWS{API_TOKEN}"
            assert signs_in(org, NEW_LOGIN, NEW_PASSWORD) == 401

            token = ok(await client.activate_user(created.id, send_email=False))
            assert isinstance(token, sdk.UserActivationToken)
            assert token.activation_url == f"{org}/okta/tokens/{token.activation_token}/verify"
            active = ok(await client.get_user(created.id))
            assert isinstance(active, sdk.User) and active.status is sdk.UserStatus.ACTIVE
            assert active.links.var_self.href == f"{org}/okta/api/v1/users/{created.id}"
            assert signs_in(org, NEW_LOGIN, NEW_PASSWORD) == 200

            ok(await client.suspend_user(created.id))
            suspended = ok(await client.get_user(NEW_LOGIN))  # by login
            assert suspended.status is sdk.UserStatus.SUSPENDED
            ok(await client.unsuspend_user(created.id))
            listed = ok(await client.list_users(search='status eq "ACTIVE"'))
            assert created.id in [user.id for user in listed]

            ok(await client.deactivate_user(created.id, send_email=False))
            gone = ok(await client.get_user(created.id))
            assert gone.status is sdk.UserStatus.DEPROVISIONED
            assert signs_in(org, NEW_LOGIN, NEW_PASSWORD) == 401
            assert ok(await client.delete_user(created.id), status=204) is None
            missing = f"Not found: Resource not found: {created.id} (User)"
            okta_error(await client.get_user(created.id), 404, "E0000007", missing)

    run(scenario())


def test_delete_of_an_active_user_deactivates_it_first(org: str) -> None:
    """Okta's documented delete: an active user is deactivated by the first call, deleted by
    the second (the SDKs' clean-up calls delete twice or deactivate first)."""

    async def scenario() -> None:
        client, _, _ = okta_client(org)
        async with client:
            created = ok(await client.create_user(new_user_request()))
            assert created.status is sdk.UserStatus.ACTIVE
            assert ok(await client.delete_user(created.id), status=204) is None
            assert ok(await client.get_user(created.id)).status is sdk.UserStatus.DEPROVISIONED
            assert ok(await client.delete_user(created.id), status=204) is None
            missing = f"Not found: Resource not found: {created.id} (User)"
            okta_error(await client.get_user(created.id), 404, "E0000007", missing)
            again = ok(await client.create_user(new_user_request()))
            assert again.id != created.id  # the login is free again

    run(scenario())
