"""Two `sessim serve` processes on one SQLite file behave as one server (DESIGN.md, the
store): two of the run's shared processes, wiped for each test; and `--workers 2`, which
starts its own."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from tests.conftest import (
    ADMIN,
    DEMO_USER,
    plain_client,
    race_threads,
    sessim_servers,
    worker_pids,
)

pytestmark = pytest.mark.slow

LOGIN = {"email": DEMO_USER["email"], "password": DEMO_USER["password"]}


def test_two_workers_share_users_sessions_counters_and_clock(
    shared_processes: list[str], http: httpx.Client
) -> None:
    first, second = shared_processes[:2]
    # A user seeded through one worker logs in through the other.
    http.post(f"{first}/_admin/seed", json={"vestiaire": {"users": [DEMO_USER]}})
    session_id = http.post(f"{second}/vestiaire/sessions", json=LOGIN).json()["data"]["id"]
    # The clock moved on one worker expires the session on the other.
    http.put(f"{second}/_admin/clock", json={"frozen": True})
    assert http.get(f"{first}/_admin/clock").json()["frozen"] is True
    http.post(f"{first}/_admin/clock/advance", json={"seconds": 30 * 86_400 + 1})
    gone = http.delete(
        f"{second}/vestiaire/sessions/{session_id}", headers={"__session": session_id}
    )
    assert gone.status_code == 401
    # Failed log-ins counted on both workers lock the account on both.
    for base in (first, second, first, second, first):
        http.post(f"{base}/vestiaire/sessions", json={**LOGIN, "password": "wrong"})
    locked = http.post(f"{second}/vestiaire/sessions", json=LOGIN)
    assert locked.json()["errors"][0]["code"] == "account_locked"
    # A session made on one worker is ended on the other, exactly once.
    http.post(f"{first}/_admin/clock/advance", json={"seconds": 900})
    session_id = http.post(f"{first}/vestiaire/sessions", json=LOGIN).json()["data"]["id"]
    ended = http.delete(
        f"{second}/vestiaire/sessions/{session_id}", headers={"__session": session_id}
    )
    assert ended.status_code == 204
    again = http.delete(
        f"{first}/vestiaire/sessions/{session_id}", headers={"__session": session_id}
    )
    assert again.status_code == 401


def test_two_workers_share_okta_rate_limits_and_session_tokens(
    shared_processes: list[str], http: httpx.Client
) -> None:
    okta = {
        "api_tokens": ["t0ken"],
        "users": [{"login": "ana", "password": "pw", "firstName": "A", "lastName": "B"}],
        "settings": {"rate_limits": {"sessions": 3}},
    }
    api = {"Authorization": "SSWS t0ken"}
    first, second = shared_processes[:2]
    http.post(f"{first}/_admin/seed", json={"okta": okta})
    http.put(f"{first}/_admin/clock", json={"frozen": True})
    authn = http.post(f"{second}/okta/api/v1/authn", json={"username": "ana", "password": "pw"})
    token = {"sessionToken": authn.json()["sessionToken"]}
    # A sessionToken issued by one worker is redeemed once, whichever worker sees it.
    created = http.post(f"{first}/okta/api/v1/sessions", json=token, headers=api)
    reused = http.post(f"{second}/okta/api/v1/sessions", json=token, headers=api)
    assert (created.status_code, reused.status_code) == (200, 401)
    # Those two calls and one more spend the sessions bucket on both workers.
    third = http.get(f"{first}/okta/api/v1/sessions/{created.json()['id']}", headers=api)
    assert third.headers["X-Rate-Limit-Remaining"] == "0"
    refused = http.get(f"{second}/okta/api/v1/sessions/{created.json()['id']}", headers=api)
    assert refused.status_code == 429
    assert refused.json()["errorCode"] == "E0000047"
    assert refused.headers["X-Rate-Limit-Reset"] == third.headers["X-Rate-Limit-Reset"]


def test_a_seed_or_reset_through_one_worker_reaches_the_others_cache(
    shared_processes: list[str], http: httpx.Client
) -> None:
    """Each worker keeps Okta's settings, org id and credentials in process; the store's
    generation token tells it on its next request that a seed or reset made them stale."""
    users = f"{{}}/okta/api/v1/users/{'0' * 20}/sessions"
    first, second = shared_processes[:2]
    http.post(f"{first}/_admin/seed", json={"okta": {"api_tokens": ["old"]}})
    old = {"Authorization": "SSWS old"}
    assert http.delete(users.format(second), headers=old).status_code == 404  # cached
    http.post(f"{first}/_admin/seed", json={"okta": {"api_tokens": ["new"]}})
    new = {"Authorization": "SSWS new"}
    assert http.delete(users.format(second), headers=new).status_code == 404
    limits = {"okta": {"settings": {"rate_limits": {"users": 7}}}}
    http.post(f"{first}/_admin/seed", json=limits)
    seen = http.delete(users.format(second), headers=new)
    assert seen.headers["X-Rate-Limit-Limit"] == "7"
    http.post(f"{first}/_admin/reset", headers=ADMIN)
    assert http.delete(users.format(second), headers=new).status_code == 401
    assert http.delete(users.format(second), headers=old).status_code == 401


def cpu_ticks(pid: int) -> int:
    """User and system CPU time a process has used so far, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


UNLIMITED = {"authn": 1_000_000, "sessions": 1_000_000, "users": 1_000_000}


def test_serve_with_two_workers_shares_one_state_under_concurrent_load(tmp_path: Path) -> None:
    """`sessim serve --workers 2`: one port, two processes. Each request is on a connection of
    its own, so the kernel hands them to either worker; every session made through one is
    read back whole through whichever gets the read, and each sessionToken redeems once."""
    okta = {
        "api_tokens": ["t0ken"],
        "users": [{"login": "ana", "password": "pw", "firstName": "A", "lastName": "B"}],
        "settings": {"rate_limits": UNLIMITED, "lockout_attempts": 0},
    }
    api = {"Authorization": "SSWS t0ken", "Connection": "close"}
    with sessim_servers(f"sqlite:///{tmp_path}/shared.db", 1, "--workers", "2") as servers:
        ((base, parent),) = servers
        workers = worker_pids(parent.pid)
        assert len(workers) == 2
        httpx.post(f"{base}/_admin/seed", json={"okta": okta}).raise_for_status()
        before = [cpu_ticks(pid) for pid in workers]

        def make_and_read(index: int, start: threading.Barrier) -> list[tuple[int, ...]]:
            statuses = []
            with plain_client(base_url=f"{base}/okta/api/v1", headers=api) as http:
                start.wait()
                for _ in range(10):
                    authn = http.post("/authn", json={"username": "ana", "password": "pw"})
                    token = {"sessionToken": authn.json()["sessionToken"]}
                    made = http.post("/sessions", json=token)
                    again = http.post("/sessions", json=token)
                    read = http.get(f"/sessions/{made.json()['id']}")
                    assert read.json()["id"] == made.json()["id"]
                    assert read.json()["userId"] == made.json()["userId"]
                    statuses.append((made.status_code, again.status_code, read.status_code))
            return statuses

        results = race_threads(8, make_and_read)
        used = [cpu_ticks(pid) - ticks for pid, ticks in zip(workers, before, strict=True)]
    assert {status for statuses in results for status in statuses} == {(200, 401, 200)}
    assert all(ticks > 10 for ticks in used), f"a worker sat idle: CPU ticks {used}"
