"""Okta's rate limit buckets (429 E0000047 and the X-Rate-Limit-* headers), and the Date and
X-Okta-Request-Id every response carries."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sessim.app import create_app
from sessim.core.kit.ratelimit import split
from sessim.core.kit.store import open_store
from sessim.okta.state import NAMESPACE
from starlette.testclient import TestClient

from tests.conftest import ADMIN, RACE_ROUNDS, make_settings, race_requests, race_threads
from tests.okta.support import (
    ANNA,
    FIXTURE,
    NOW,
    RATE_LIMITED,
    SSWS,
    advance,
    assert_error,
    assert_headers,
    assert_json,
    authn,
    create_session,
    freeze,
    get_session,
    http_date,
    new_session,
    revoke_session,
    revoke_user_sessions,
    seed,
    session_token,
    set_settings,
    sid_cookie,
)

LIMIT = 3
WINDOW = 60
LIMITS = {"rate_limits": {"sessions": LIMIT}, "rate_limit_window_seconds": WINDOW}
WINDOW_END = int((NOW + timedelta(seconds=WINDOW)).timestamp())


@pytest.fixture
def limited(okta: TestClient) -> TestClient:
    """The Okta app with a sessions bucket of 3 requests a minute, on the frozen clock."""
    set_settings(okta, **LIMITS)
    return okta


def rate(response: httpx.Response) -> tuple[int, int, int]:
    """X-Rate-Limit-Limit, -Remaining and -Reset."""
    assert_headers(response)
    headers = response.headers
    return (
        int(headers["x-rate-limit-limit"]),
        int(headers["x-rate-limit-remaining"]),
        int(headers["x-rate-limit-reset"]),
    )


def spend(client: TestClient, session_id: str, requests: int = LIMIT) -> None:
    """Make `requests` allowed calls in the sessions bucket."""
    for _ in range(requests):
        assert get_session(client, session_id).status_code == 200


def test_remaining_counts_down_then_429(limited: TestClient) -> None:
    token = session_token(limited)  # the authn bucket
    created = create_session(limited, token)
    assert rate(created) == (LIMIT, 2, WINDOW_END)
    session_id = created.json()["id"]
    assert rate(get_session(limited, session_id)) == (LIMIT, 1, WINDOW_END)
    assert rate(get_session(limited, session_id)) == (LIMIT, 0, WINDOW_END)
    refused = get_session(limited, session_id)
    assert_error(refused, 429, RATE_LIMITED)
    assert rate(refused) == (LIMIT, 0, WINDOW_END)
    assert refused.headers["date"] == http_date(NOW)


@pytest.mark.parametrize(
    "call",
    [
        lambda client, sid: get_session(client, sid),
        lambda client, sid: client.post(f"/okta/api/v1/sessions/{sid}/lifecycle/refresh"),
        lambda client, sid: revoke_session(client, sid),
        lambda client, sid: create_session(client, "20111unknown"),
        lambda client, sid: client.get("/okta/api/v1/sessions/me", headers=sid_cookie(sid)),
        lambda client, sid: client.post("/okta/api/v1/sessions/me/lifecycle/refresh"),
        lambda client, sid: client.delete("/okta/api/v1/sessions/me"),
        lambda client, sid: client.put(f"/okta/api/v1/sessions/{sid}", headers=SSWS),
        lambda client, sid: get_session(client, sid, {}),
    ],
)
def test_every_sessions_path_shares_the_bucket(
    limited: TestClient, call: Callable[[TestClient, str], httpx.Response]
) -> None:
    session_id = new_session(limited)["id"]
    spend(limited, session_id, LIMIT - 1)
    assert_error(call(limited, session_id), 429, RATE_LIMITED)


def test_a_refused_call_does_not_run(limited: TestClient) -> None:
    session_id = new_session(limited)["id"]
    spend(limited, session_id, LIMIT - 1)
    assert_error(revoke_session(limited, session_id), 429, RATE_LIMITED)
    advance(limited, WINDOW)
    assert_json(get_session(limited, session_id), 200)  # not revoked


def test_buckets_are_separate(limited: TestClient) -> None:
    session_id = new_session(limited)["id"]
    spend(limited, session_id, LIMIT - 1)
    assert_error(get_session(limited, session_id), 429, RATE_LIMITED)
    allowed = authn(limited)
    assert_json(allowed, 200)
    assert rate(allowed)[:2] == (500, 498)  # Okta's default; the fixture's session cost one
    users = revoke_user_sessions(limited, "00uNoSuchUser000d7x9")
    assert users.status_code == 404
    assert rate(users)[:2] == (300, 299)


def test_the_window_reopens_at_reset(limited: TestClient) -> None:
    session_id = new_session(limited)["id"]
    spend(limited, session_id, LIMIT - 1)
    refused = get_session(limited, session_id)
    assert_error(refused, 429, RATE_LIMITED)
    advance(limited, int(refused.headers["x-rate-limit-reset"]) - NOW.timestamp() - 1)
    assert_error(get_session(limited, session_id), 429, RATE_LIMITED)
    advance(limited, 1)  # now == X-Rate-Limit-Reset
    allowed = get_session(limited, session_id)
    assert_json(allowed, 200)
    assert rate(allowed) == (LIMIT, 2, WINDOW_END + WINDOW)
    assert allowed.headers["date"] == http_date(NOW + timedelta(seconds=WINDOW))


def test_reset_rounds_up_to_whole_seconds(limited: TestClient) -> None:
    freeze(limited, NOW + timedelta(milliseconds=250))
    session_id = new_session(limited)["id"]
    spend(limited, session_id, LIMIT - 1)
    refused = get_session(limited, session_id)
    assert rate(refused) == (LIMIT, 0, WINDOW_END + 1)
    advance(limited, WINDOW + 0.75)  # exactly X-Rate-Limit-Reset
    assert_json(get_session(limited, session_id), 200)


def test_the_window_follows_the_fixture_setting(okta: TestClient) -> None:
    set_settings(okta, rate_limits={"sessions": 1}, rate_limit_window_seconds=5)
    created = create_session(okta, session_token(okta))
    assert rate(created) == (1, 0, int(NOW.timestamp()) + 5)
    session_id = created.json()["id"]
    assert_error(get_session(okta, session_id), 429, RATE_LIMITED)
    advance(okta, 5)
    assert_json(get_session(okta, session_id), 200)


def test_authn_and_users_buckets_have_their_own_limits(okta: TestClient) -> None:
    set_settings(okta, rate_limits={"authn": 2, "users": 1})
    assert rate(authn(okta))[:2] == (2, 1)
    assert rate(authn(okta))[:2] == (2, 0)
    assert_error(authn(okta), 429, RATE_LIMITED)
    assert revoke_user_sessions(okta, ANNA["id"]).status_code == 204
    assert_error(revoke_user_sessions(okta, ANNA["id"]), 429, RATE_LIMITED)


def test_admin_reset_and_reseed_reset_the_counters(limited: TestClient) -> None:
    session_id = new_session(limited)["id"]
    spend(limited, session_id, LIMIT - 1)
    assert_error(get_session(limited, session_id), 429, RATE_LIMITED)
    assert limited.post("/_admin/reset", headers=ADMIN).status_code == 204
    freeze(limited)  # reset also reset the clock
    seed(limited, FIXTURE)
    set_settings(limited, **LIMITS)
    created = create_session(limited, session_token(limited))
    assert_json(created, 200)
    assert rate(created) == (LIMIT, 2, WINDOW_END)


def test_admin_calls_do_not_count(limited: TestClient) -> None:
    for _ in range(LIMIT + 2):
        assert limited.get("/_admin/clock").status_code == 200
    created = create_session(limited, session_token(limited))
    assert rate(created)[:2] == (LIMIT, 2)


@pytest.mark.slow
def test_workers_racing_at_the_boundary_pass_exactly_the_quota(racers: list[httpx.Client]) -> None:
    """Twenty calls at one moment, spread over processes sharing one SQLite file (whose
    counter writes commit on each process's loop or its writer thread, whichever is free),
    in a bucket of fifteen: fifteen pass, each with its own X-Rate-Limit-Remaining, and five
    are refused, round after round."""
    quota = 15
    limits = {"okta": {**FIXTURE["okta"], "settings": {"rate_limits": {"sessions": quota}}}}
    for _ in range(RACE_ROUNDS // 4):
        assert racers[0].post("/_admin/reset", headers=ADMIN).status_code == 204
        assert racers[0].post("/_admin/seed", json=limits).status_code == 200
        responses = race_requests(
            racers, lambda http: http.get("/okta/api/v1/sessions/102unknown", headers=SSWS)
        )
        passed = [r for r in responses if r.status_code == 404]
        refused = [r for r in responses if r.status_code == 429]
        assert (len(passed), len(refused)) == (quota, len(racers) - quota)
        remaining = sorted(int(r.headers["x-rate-limit-remaining"]) for r in passed)
        assert remaining == list(range(quota))
        for response in refused:
            assert_error(response, 429, RATE_LIMITED)


@pytest.mark.slow
def test_workers_counting_in_chunks_pass_exactly_the_quota(racers: list[httpx.Client]) -> None:
    """Twenty clients in bursts of 25 over the four processes, in a bucket of 400: far
    from its end each process answers from chunks of ranks reserved ahead, and exactly
    400 pass. Those refused say 0 remaining; those passed never more than is left."""
    quota, burst = 400, 25
    limits = {"okta": {**FIXTURE["okta"], "settings": {"rate_limits": {"sessions": quota}}}}
    assert racers[0].post("/_admin/seed", json=limits).status_code == 200

    def racer(index: int, start: threading.Barrier) -> list[httpx.Response]:
        start.wait()
        unknown = "/okta/api/v1/sessions/102unknown"
        return [racers[index].get(unknown, headers=SSWS) for _ in range(burst)]

    responses = [r for rs in race_threads(len(racers), racer) for r in rs]
    passed = [r for r in responses if r.status_code == 404]
    refused = [r for r in responses if r.status_code == 429]
    assert (len(passed), len(refused)) == (quota, len(responses) - quota)
    assert all(0 <= int(r.headers["x-rate-limit-remaining"]) < quota for r in passed)
    for response in refused:
        assert_error(response, 429, RATE_LIMITED)
        assert response.headers["x-rate-limit-remaining"] == "0"


@pytest.mark.parametrize(("counts", "reserved_ahead"), [("chunks", True), ("each", False)])
def test_rate_counts_chunks_reserves_ranks_ahead_and_each_counts_every_request(
    tmp_path: Path, counts: str, reserved_ahead: bool
) -> None:
    """`--rate-counts`: a busy worker far below the limit reserves ranks ahead (chunks, the
    default) or counts each request in the store as it comes (each); both count down
    exactly."""
    settings = make_settings(store=f"sqlite:///{tmp_path}/s.db", rate_counts=counts)
    with TestClient(create_app(settings)) as client:
        freeze(client)
        seed(client, FIXTURE)
        set_settings(client, rate_limits={"sessions": 300})
        answers = [get_session(client, "102unknown") for _ in range(20)]
        assert [rate(a)[1] for a in answers] == list(range(299, 279, -1))
        store = open_store(settings.store)
        ranks, held = split(asyncio.run(store.get(f"{NAMESPACE}:rate:sessions")))
        asyncio.run(store.close())
    assert (ranks > 20, held <= 1) == (True, True) if reserved_ahead else (ranks, held) == (20, 0)


# --- Date and X-Okta-Request-Id on every response ------------------------------------------


def responses_of_every_kind(client: TestClient) -> Iterator[tuple[str, httpx.Response]]:
    """200, 204, 400, 401, 403, 404, 405, 415 and 429 responses, each named."""
    yield "authn 200", authn(client)
    yield "authn 401", authn(client, password="wrong")
    yield "authn 400", client.post("/okta/api/v1/authn", json={})
    yield (
        "authn 415",
        client.post("/okta/api/v1/authn", content=b"x", headers={"Content-Type": "text/plain"}),
    )
    created = create_session(client, session_token(client))
    yield "create 200", created
    session_id = created.json()["id"]
    yield "create 401", create_session(client, "20111unknown")
    yield "get 200", get_session(client, session_id)
    yield "get 403", get_session(client, session_id, {"Authorization": "Bearer users-manage-token"})
    yield "put 405", client.put(f"/okta/api/v1/sessions/{session_id}", headers=SSWS)
    yield "unknown path 404", client.get("/okta/api/v1/groups")
    yield "revoke 204", revoke_session(client, session_id)
    yield "revoke 404", revoke_session(client, session_id)
    set_settings(client, rate_limits={"sessions": 1})
    yield "get 429", get_session(client, session_id)


def test_every_response_is_dated_by_the_admin_clock(okta: TestClient) -> None:
    moment = NOW + timedelta(days=400, hours=5, minutes=4, seconds=3, milliseconds=900)
    freeze(okta, moment)
    for name, response in responses_of_every_kind(okta):
        assert response.headers.get_list("date") == [http_date(moment.replace(microsecond=0))], name
    advance(okta, 3600)
    later = http_date((moment + timedelta(hours=1)).replace(microsecond=0))
    assert authn(okta).headers["date"] == later


def test_every_response_has_its_own_request_id(okta: TestClient) -> None:
    ids = []
    for name, response in responses_of_every_kind(okta):
        rate_limited_path = not name.startswith("unknown path")
        assert_headers(response, rate_limited_path=rate_limited_path)
        ids.append(response.headers["x-okta-request-id"])
    ids += [authn(okta).headers["x-okta-request-id"] for _ in range(5)]  # identical requests
    assert len(set(ids)) == len(ids)


def test_root_okta_counts_in_the_same_buckets(at_root: TestClient) -> None:
    set_settings(at_root, **LIMITS)
    token = session_token(at_root, prefix="")
    created = create_session(at_root, token, prefix="")
    assert rate(created) == (LIMIT, 2, WINDOW_END)
    session_id = created.json()["id"]
    assert rate(get_session(at_root, session_id)) == (LIMIT, 1, WINDOW_END)  # under /okta
    assert rate(at_root.get(f"/api/v1/sessions/{session_id}", headers=SSWS))[1] == 0
    assert_error(at_root.get(f"/api/v1/sessions/{session_id}", headers=SSWS), 429, RATE_LIMITED)
