"""Fault rules through the admin API, in process: the rules' life (add, list, remove, clear,
reset), what they match, how often they act, and each action's answer in each vendor's own
error format."""

from __future__ import annotations

import math
import time
from datetime import datetime

import pytest
from sessim.admin.fixtures import demo
from sessim.core.features.faults import ConnectionDropped
from starlette.testclient import TestClient

from tests.conftest import ADMIN, Reset

FIXTURE = demo()
FROZEN_AT = "2030-01-01T00:00:00.250Z"  # a fraction, so that a 429's reset rounds up
VESTIAIRE_LOGIN = {k: FIXTURE["vestiaire"]["users"][0][k] for k in ("email", "password")}
OKTA_AUTH = {"Authorization": f"SSWS {FIXTURE['okta']['api_tokens'][0]}"}
OKTA_SESSION = "/okta/api/v1/sessions/102aaaaaaaaaaaaaaaaaaaaaa"
SFCC_AUTH = "/sfcc/s/-/dw/shop/20.8/customers/auth"
SFCC_CLIENT = {"x-dw-client-id": FIXTURE["sfcc"]["clients"][0]["client_id"]}
OPTI_TOKEN = "/optimizely/identity/connect/token"


@pytest.fixture
def client(reset: Reset) -> TestClient:
    """The run's app reset, frozen at FROZEN_AT and seeded with the demo fixture."""
    return reset(now=FROZEN_AT, seed=FIXTURE)


def add(client: TestClient, **rule: object) -> dict:
    response = client.post("/_admin/faults", json=rule)
    assert response.status_code == 201, response.text
    return response.json()


def listed(client: TestClient) -> list[dict]:
    response = client.get("/_admin/faults")
    assert response.status_code == 200, response.text
    return response.json()["rules"]


def login(client: TestClient) -> int:
    return client.post("/vestiaire/sessions", json=VESTIAIRE_LOGIN).status_code


def test_a_rule_is_added_listed_and_removed(client: TestClient) -> None:
    assert listed(client) == []
    rule = add(client, vendor="okta", path="/okta/api/v1/sessions/*", action="status", status=429)
    assert len(rule["id"]) == 16
    assert rule == {
        "id": rule["id"],
        "vendor": "okta",
        "operationId": None,
        "path": "/okta/api/v1/sessions/*",
        "method": None,
        "action": "status",
        "status": 429,
        "delayMs": 0,
        "delayMaxMs": None,
        "times": None,
        "probability": 1,
        "remaining": None,
        "matched": 0,
    }
    assert listed(client) == [rule]
    assert client.delete(f"/_admin/faults/{rule['id']}", headers=ADMIN).status_code == 204
    assert listed(client) == []
    gone = client.delete(f"/_admin/faults/{rule['id']}", headers=ADMIN)
    assert gone.status_code == 404
    assert gone.headers["content-type"] == "application/problem+json"
    assert gone.json()["detail"] == f"no fault rule {rule['id']!r}"


def test_rules_are_listed_in_the_order_they_were_added_and_cleared_at_once(
    client: TestClient,
) -> None:
    ids = [add(client, action="delay", delayMs=index)["id"] for index in range(5)]
    assert [rule["id"] for rule in listed(client)] == ids
    assert client.delete("/_admin/faults", headers=ADMIN).status_code == 204
    assert listed(client) == []
    assert (
        client.delete("/_admin/faults", headers=ADMIN).status_code == 204
    )  # none left: still a 204


def test_a_reset_removes_every_rule(client: TestClient) -> None:
    add(client, vendor="vestiaire", action="status", status=500)
    assert login(client) == 500
    assert client.post("/_admin/reset", headers=ADMIN).status_code == 204
    assert listed(client) == []
    client.post("/_admin/seed", json=FIXTURE)
    assert login(client) == 201


@pytest.mark.parametrize(
    "rule",
    [
        {"action": "explode"},
        {"action": "status", "status": 200},
        {"action": "status", "status": 600},
        {"action": "status", "vendor": "no-such-vendor"},
        {"action": "status", "method": "FETCH"},
        {"action": "delay", "delayMs": 60001},
        {"action": "status", "probability": 1.5},
        {"action": "status", "times": 0},
        {"action": "status", "id": "0123456789abcdef"},
        {"status": 500},
    ],
)
def test_a_rule_outside_the_schema_is_refused(client: TestClient, rule: dict) -> None:
    response = client.post("/_admin/faults", json=rule)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert listed(client) == []


def test_the_next_n_calls_then_normal_answers(client: TestClient) -> None:
    add(client, vendor="vestiaire", action="status", status=503, times=2)
    assert [login(client) for _ in range(4)] == [503, 503, 201, 201]
    (after,) = listed(client)
    assert (after["remaining"], after["matched"]) == (0, 4)


def test_probability_zero_never_acts_and_one_always_does(client: TestClient) -> None:
    never = add(client, vendor="vestiaire", action="status", status=500, probability=0)
    assert [login(client) for _ in range(5)] == [201] * 5
    client.delete(f"/_admin/faults/{never['id']}", headers=ADMIN)
    add(client, vendor="vestiaire", action="status", status=500, probability=1)
    assert [login(client) for _ in range(5)] == [500] * 5


def test_probability_counts_matches_apart_from_actions(client: TestClient) -> None:
    add(client, vendor="vestiaire", action="status", status=500, probability=0, times=3)
    assert [login(client) for _ in range(4)] == [201] * 4
    (after,) = listed(client)
    assert (after["matched"], after["remaining"]) == (4, 3)


def test_every_given_field_must_match(client: TestClient) -> None:
    near_misses = [
        {"vendor": "okta"},
        {"vendor": "vestiaire", "method": "DELETE"},
        {"vendor": "vestiaire", "operationId": "deleteSession"},
        {"path": "/vestiaire/sessions/*"},
        {"path": "/VESTIAIRE/sessions"},  # globs are case-sensitive
    ]
    for fields in near_misses:
        add(client, action="status", status=500, **fields)
    assert login(client) == 201
    assert all(rule["matched"] == 0 for rule in listed(client))
    add(
        client,
        action="status",
        status=418,
        vendor="vestiaire",
        method="POST",
        operationId="createSession",
        path="/vestiaire/sess*",
    )
    assert login(client) == 418
    assert [rule["matched"] for rule in listed(client)] == [0, 0, 0, 0, 0, 1]


def test_an_operation_id_follows_the_router_past_a_path_parameter(client: TestClient) -> None:
    """/sessions/me is getCurrentSession, not getSession with the id `me`."""
    add(client, vendor="okta", operationId="getSession", action="status", status=500)
    assert client.get("/okta/api/v1/sessions/me").status_code == 404  # no session cookie
    assert client.get(OKTA_SESSION, headers=OKTA_AUTH).status_code == 500


def test_the_admin_api_and_unowned_paths_are_never_faulted(client: TestClient) -> None:
    everything = add(client, action="drop")
    add(client, action="status", path="/_admin/*")
    assert client.get("/_admin/health").status_code == 200
    assert client.get("/nowhere").status_code == 404
    assert all(rule["matched"] == 0 for rule in listed(client))
    with pytest.raises(ConnectionDropped):
        login(client)
    assert client.delete(f"/_admin/faults/{everything['id']}", headers=ADMIN).status_code == 204


def test_a_drop_sends_nothing_and_the_next_call_is_served(client: TestClient) -> None:
    """In process the drop surfaces as its exception; tests/test_faults_servers.py shows
    what a client of a real server sees."""
    add(client, vendor="vestiaire", action="drop", times=1)
    with pytest.raises(ConnectionDropped):
        login(client)
    assert login(client) == 201


def test_a_delay_then_a_normal_answer(client: TestClient) -> None:
    add(client, vendor="vestiaire", action="delay", delayMs=300, times=1)
    started = time.monotonic()
    assert login(client) == 201
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    assert login(client) == 201
    assert time.monotonic() - started < 0.3  # loosely: the one delay was spent


def test_a_random_delay_stays_within_its_bounds(client: TestClient) -> None:
    add(client, vendor="vestiaire", action="delay", delayMs=100, delayMaxMs=250)
    for _ in range(3):
        started = time.monotonic()
        assert login(client) == 201
        assert 0.1 <= time.monotonic() - started < 2  # loosely above: a busy machine


def test_delays_add_up_and_a_later_status_still_answers(client: TestClient) -> None:
    add(client, vendor="vestiaire", action="delay", delayMs=150)
    add(client, vendor="vestiaire", action="delay", delayMs=150)
    add(client, vendor="vestiaire", action="status", status=502)
    started = time.monotonic()
    assert login(client) == 502
    assert time.monotonic() - started >= 0.3


def test_the_first_status_ends_the_call(client: TestClient) -> None:
    add(client, vendor="vestiaire", action="status", status=503)
    add(client, vendor="vestiaire", action="status", status=500)
    assert login(client) == 503
    assert [rule["matched"] for rule in listed(client)] == [1, 0]


# Each vendor's own error bodies for the statuses a rule names.


def test_okta_429_is_e0000047_with_a_spent_window(client: TestClient) -> None:
    add(client, vendor="okta", path="/okta/api/v1/sessions/*", action="status", status=429)
    now = datetime.fromisoformat(FROZEN_AT).timestamp()
    response = client.get(OKTA_SESSION, headers=OKTA_AUTH)
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["errorCode"] == "E0000047"
    assert body["errorSummary"] == "API call exceeded rate limit due to too many requests."
    assert (body["errorLink"], body["errorCauses"]) == ("E0000047", [])
    assert body["errorId"].startswith("oae") and len(body["errorId"]) == 25
    # The bucket's limit (sessions: 375 by default); spent until the end of this second.
    assert response.headers["X-Rate-Limit-Limit"] == "375"
    assert response.headers["X-Rate-Limit-Remaining"] == "0"
    assert response.headers["X-Rate-Limit-Reset"] == str(math.ceil(now))
    assert len(response.headers["X-Okta-Request-Id"]) == 32
    assert response.headers["Date"] == "Tue, 01 Jan 2030 00:00:00 GMT"


def test_okta_500_is_e0000009(client: TestClient) -> None:
    add(client, vendor="okta", action="status", status=500)
    response = client.get(OKTA_SESSION, headers=OKTA_AUTH)
    assert response.status_code == 500
    body = response.json()
    assert (body["errorCode"], body["errorSummary"]) == ("E0000009", "Internal Server Error")
    assert response.headers["X-Rate-Limit-Remaining"] == "374"  # the edge counted the call
    assert "X-Okta-Request-Id" in response.headers


@pytest.mark.parametrize(
    ("status", "fault", "message"),
    [
        (429, "QuotaExceededException", "Too many requests."),
        (500, "InternalServerErrorException", "An internal error occurred."),
        (502, "InternalServerErrorException", "An internal error occurred."),
        (503, "ServiceUnavailableException", "The service is temporarily unavailable."),
        (401, "AuthorizationHeaderMissingException", "The Authorization header is missing."),
        (404, "ResourcePathNotFoundException", "No resource matches the path."),
    ],
)
def test_sfcc_faults_by_status(client: TestClient, status: int, fault: str, message: str) -> None:
    add(client, vendor="sfcc", action="status", status=status)
    response = client.post(SFCC_AUTH, json={"type": "guest"}, headers=SFCC_CLIENT)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "_v": "20.8",
        "fault": {"type": fault, "message": message, "arguments": {}},
    }


@pytest.mark.parametrize(
    ("status", "code", "title"),
    [
        (429, "rate_limited", "Too many requests"),
        (500, "internal_error", "Internal error"),
        (503, "service_unavailable", "Service unavailable"),
        (504, "internal_error", "Internal error"),
    ],
)
def test_vestiaire_errors_by_status(client: TestClient, status: int, code: str, title: str) -> None:
    add(client, vendor="vestiaire", action="status", status=status)
    response = client.post("/vestiaire/sessions", json=VESTIAIRE_LOGIN)
    assert response.status_code == status
    assert response.json() == {"errors": [{"code": code, "title": title, "detail": title}]}


@pytest.mark.parametrize("status", [429, 500, 503])
def test_optimizely_message_by_status(client: TestClient, status: int) -> None:
    add(client, vendor="optimizely", action="status", status=status)
    response = client.get("/optimizely/api/v1/sessions/current")
    assert response.status_code == status
    assert response.json() == {"message": "An error has occurred."}


@pytest.mark.parametrize(
    ("status", "error"),
    [(500, "server_error"), (502, "server_error"), (503, "temporarily_unavailable")],
)
def test_optimizely_token_call_answers_in_oauths_format(
    client: TestClient, status: int, error: str
) -> None:
    add(client, operationId="createToken", action="status", status=status)
    response = client.post(OPTI_TOKEN, data={"grant_type": "password"})
    assert response.status_code == status
    assert response.json() == {"error": error, "error_description": error}
