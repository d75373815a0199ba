"""Two `sessim serve` processes on one Redis (a server, then a cluster) are one server:
sessions, single-use tokens, counters, revocations and the clock are shared (DESIGN.md,
the store)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import (
    ADMIN,
    DEMO_USER,
    RACE_ROUNDS,
    plain_client,
    race_requests,
    sessim_processes,
)
from tests.optimizely.conftest import BASE as OPTI_SESSIONS
from tests.optimizely.conftest import CURRENT as OPTI_CURRENT
from tests.optimizely.conftest import DEMO_SECTION as OPTI_DEMO
from tests.optimizely.conftest import GLOBEX, PASSWORDS, basic
from tests.optimizely.conftest import TOKEN as OPTI_TOKEN
from tests.sfcc.support import FIXTURE as SFCC_FIXTURE
from tests.sfcc.support import SITE, auth, bearer, fault, login, token_of

pytestmark = pytest.mark.redis

OKTA = {
    "api_tokens": ["t0ken"],
    "users": [{"login": "ana", "password": "pw", "firstName": "A", "lastName": "B"}],
}
SSWS = {"Authorization": "SSWS t0ken"}
SESSIONS = "/okta/api/v1/sessions"
LOGIN = {"email": DEMO_USER["email"], "password": DEMO_USER["password"]}


@pytest.fixture(scope="module")
def redis_cluster_processes(redis_cluster_url: str) -> Iterator[list[str]]:
    """Two processes on the run's Redis Cluster."""
    with sessim_processes(redis_cluster_url, 2) as bases:
        yield bases


@pytest.fixture(scope="module", params=["redis_processes", "redis_cluster_processes"])
def instances(request: pytest.FixtureRequest) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """Two processes on the run's Redis server (the run's shared pair) or cluster, a client
    for each."""
    bases = request.getfixturevalue(request.param)
    with plain_client(base_url=bases[0]) as a, plain_client(base_url=bases[1]) as b:
        yield a, b


@pytest.fixture
def pair(instances: tuple[httpx.Client, httpx.Client]) -> tuple[httpx.Client, httpx.Client]:
    """The two instances on an emptied store, the clock frozen, every vendor seeded through
    the first."""
    a, _ = instances
    assert a.post("/_admin/reset", headers=ADMIN).status_code == 204
    assert a.put("/_admin/clock", json={"frozen": True}).status_code == 200
    seed = {
        "okta": OKTA,
        "vestiaire": {"users": [DEMO_USER]},
        "optimizely": OPTI_DEMO,
        **SFCC_FIXTURE,
    }
    assert a.post("/_admin/seed", json=seed).status_code == 200
    return instances


def session_token(client: httpx.Client) -> str:
    authn = client.post("/okta/api/v1/authn", json={"username": "ana", "password": "pw"})
    assert authn.status_code == 200, authn.text
    return authn.json()["sessionToken"]


def test_a_session_made_on_one_is_read_refreshed_and_ended_on_the_other(
    pair: tuple[httpx.Client, httpx.Client],
) -> None:
    a, b = pair
    created = a.post(SESSIONS, json={"sessionToken": session_token(a)}, headers=SSWS)
    assert created.status_code == 200, created.text
    session = created.json()
    read = b.get(f"{SESSIONS}/{session['id']}", headers=SSWS)
    assert read.status_code == 200
    assert read.json()["expiresAt"] == session["expiresAt"]
    assert a.post("/_admin/clock/advance", json={"seconds": 3600}).status_code == 200
    refreshed = b.post(f"{SESSIONS}/{session['id']}/lifecycle/refresh", headers=SSWS)
    assert refreshed.status_code == 200
    assert refreshed.json()["expiresAt"] > session["expiresAt"]
    again = a.get(f"{SESSIONS}/{session['id']}", headers=SSWS).json()
    assert again["expiresAt"] == refreshed.json()["expiresAt"]
    assert b.delete(f"{SESSIONS}/{session['id']}", headers=SSWS).status_code == 204
    gone = a.get(f"{SESSIONS}/{session['id']}", headers=SSWS)
    assert gone.status_code == 404
    assert gone.json()["errorCode"] == "E0000007"


def test_a_single_use_token_raced_over_both_succeeds_exactly_once(
    pair: tuple[httpx.Client, httpx.Client],
) -> None:
    a, b = pair
    with contextlib.ExitStack() as stack:
        racers = [
            stack.enter_context(plain_client(base_url=str((a, b)[index % 2].base_url)))
            for index in range(20)
        ]
        for racer in racers:
            racer.get("/_admin/health")  # connected before the race
        for _ in range(RACE_ROUNDS // 4):
            token = {"sessionToken": session_token(a)}
            answers = race_requests(
                racers, lambda c, token=token: c.post(SESSIONS, json=token, headers=SSWS)
            )
            statuses = sorted(answer.status_code for answer in answers)
            assert statuses == [200] + [401] * 19, statuses
            refused = next(answer for answer in answers if answer.status_code == 401)
            assert refused.json()["errorCode"] == "E0000004"


def test_rate_limit_counters_add_up_over_both(pair: tuple[httpx.Client, httpx.Client]) -> None:
    a, b = pair
    limits = {"okta": {"settings": {"rate_limits": {"sessions": 4}}}}
    assert b.post("/_admin/seed", json=limits).status_code == 200
    remaining = [
        client.get(f"{SESSIONS}/unknown", headers=SSWS).headers["X-Rate-Limit-Remaining"]
        for client in (a, b, a, b)
    ]
    assert remaining == ["3", "2", "1", "0"]
    refused = a.get(f"{SESSIONS}/unknown", headers=SSWS)
    assert refused.status_code == 429
    assert refused.json()["errorCode"] == "E0000047"


def test_failed_logins_on_both_lock_the_account_on_both(
    pair: tuple[httpx.Client, httpx.Client],
) -> None:
    a, b = pair
    for client in (a, b, a, b, a):
        failed = client.post("/vestiaire/sessions", json={**LOGIN, "password": "wrong"})
        assert failed.status_code == 401
    for client in (a, b):
        locked = client.post("/vestiaire/sessions", json=LOGIN)
        assert locked.json()["errors"][0]["code"] == "account_locked"


def test_jwt_revocations_on_either_hold_on_both(pair: tuple[httpx.Client, httpx.Client]) -> None:
    a, b = pair
    first, second, kept = (token_of(login(client)) for client in (a, b, a))
    assert b.delete(f"{SITE}/customers/auth", headers=bearer(first)).status_code == 204
    assert a.delete(f"{SITE}/customers/auth", headers=bearer(second)).status_code == 204
    for client in (a, b):
        for revoked in (first, second):
            refused = auth(client, "refresh", headers=bearer(revoked))
            fault(refused, 401, "InvalidAccessTokenException")
        token_of(auth(client, "refresh", headers=bearer(kept)))


def test_the_admin_clock_moved_on_one_moves_for_both(
    pair: tuple[httpx.Client, httpx.Client],
) -> None:
    a, b = pair
    moved = a.put("/_admin/clock", json={"now": "2031-05-06T07:08:09Z", "frozen": True})
    assert moved.status_code == 200
    assert b.get("/_admin/clock").json()["now"] == moved.json()["now"]
    assert b.post("/_admin/clock/advance", json={"seconds": 60}).status_code == 200
    assert a.get("/_admin/clock").json()["now"] == "2031-05-06T07:09:09Z"


def test_simultaneous_clock_advances_on_both_all_count(
    pair: tuple[httpx.Client, httpx.Client],
) -> None:
    a, b = pair
    start = a.put("/_admin/clock", json={"now": "2031-01-01T00:00:00Z", "frozen": True})
    assert start.status_code == 200
    for _ in range(RACE_ROUNDS):
        answers = race_requests(
            [a, b], lambda c: c.post("/_admin/clock/advance", json={"seconds": 1})
        )
        assert [answer.status_code for answer in answers] == [200, 200]
    assert RACE_ROUNDS == 20
    assert b.get("/_admin/clock").json()["now"] == "2031-01-01T00:00:40Z"  # 20 rounds of 2 s


def opti_tokens(client: httpx.Client) -> dict:
    form = {"grant_type": "password", "username": "buyer1", "password": PASSWORDS["buyer1"]}
    issued = client.post(OPTI_TOKEN, data=form, headers=basic())
    assert issued.status_code == 200, issued.text
    return issued.json()


def test_an_optimizely_sign_in_spans_both(pair: tuple[httpx.Client, httpx.Client]) -> None:
    """Token on A, sign-in on B, change of customer on A, read on B, a key rotated on B
    verifying on A, sign-out on B ending the refresh token on A."""
    a, b = pair
    issued = opti_tokens(a)
    auth = {"Authorization": f"Bearer {issued['access_token']}"}
    body = {"userName": "buyer1", "password": PASSWORDS["buyer1"]}
    assert b.post(OPTI_SESSIONS, json=body, headers=auth).status_code == 200
    changed = a.patch(OPTI_CURRENT, json={"billTo": {"id": GLOBEX}}, headers=auth)
    assert changed.status_code == 200, changed.text
    assert b.get(OPTI_CURRENT, headers=auth).json()["billTo"]["id"] == GLOBEX
    kid = b.post("/_admin/actions/optimizely/rotate-keys", json={}).json()["kid"]
    fresh = opti_tokens(b)["access_token"]
    assert a.get(OPTI_CURRENT, headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    jwks = a.get("/optimizely/identity/.well-known/openid-configuration/jwks").json()
    assert kid in {key["kid"] for key in jwks["keys"]}
    assert b.delete(OPTI_CURRENT, headers=auth).status_code == 204
    form = {"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}
    refused = a.post(OPTI_TOKEN, data=form, headers=basic())
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert a.get(OPTI_CURRENT, headers=auth).json()["isAuthenticated"] is False
