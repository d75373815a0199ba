"""Two `sessim serve` processes on one SQLite file behave as one server (DESIGN.md, the
store)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import DEMO_USER, sessim_process

LOGIN = {"email": DEMO_USER["email"], "password": DEMO_USER["password"]}


def test_two_workers_share_users_sessions_counters_and_clock(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/shared.db"
    with sessim_process(store) as first, sessim_process(store) as second:
        # A user seeded through one worker logs in through the other.
        httpx.post(f"{first}/_admin/seed", json={"vestiaire": {"users": [DEMO_USER]}})
        session_id = httpx.post(f"{second}/vestiaire/sessions", json=LOGIN).json()["data"]["id"]
        # The clock moved on one worker expires the session on the other.
        httpx.put(f"{second}/_admin/clock", json={"frozen": True})
        assert httpx.get(f"{first}/_admin/clock").json()["frozen"] is True
        httpx.post(f"{first}/_admin/clock/advance", json={"seconds": 30 * 86_400 + 1})
        gone = httpx.delete(
            f"{second}/vestiaire/sessions/{session_id}", headers={"__session": session_id}
        )
        assert gone.status_code == 401
        # Failed log-ins counted on both workers lock the account on both.
        for base in (first, second, first, second, first):
            httpx.post(f"{base}/vestiaire/sessions", json={**LOGIN, "password": "wrong"})
        locked = httpx.post(f"{second}/vestiaire/sessions", json=LOGIN)
        assert locked.json()["errors"][0]["code"] == "account_locked"
        # A session made on one worker is ended on the other, exactly once.
        httpx.post(f"{first}/_admin/clock/advance", json={"seconds": 900})
        session_id = httpx.post(f"{first}/vestiaire/sessions", json=LOGIN).json()["data"]["id"]
        ended = httpx.delete(
            f"{second}/vestiaire/sessions/{session_id}", headers={"__session": session_id}
        )
        assert ended.status_code == 204
        again = httpx.delete(
            f"{first}/vestiaire/sessions/{session_id}", headers={"__session": session_id}
        )
        assert again.status_code == 401


def test_two_workers_share_okta_rate_limits_and_session_tokens(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/shared.db"
    okta = {
        "api_tokens": ["t0ken"],
        "users": [{"login": "ana", "password": "pw", "firstName": "A", "lastName": "B"}],
        "settings": {"rate_limits": {"sessions": 3}},
    }
    api = {"Authorization": "SSWS t0ken"}
    with sessim_process(store) as first, sessim_process(store) as second:
        httpx.post(f"{first}/_admin/seed", json={"okta": okta})
        httpx.put(f"{first}/_admin/clock", json={"frozen": True})
        authn = httpx.post(
            f"{second}/okta/api/v1/authn", json={"username": "ana", "password": "pw"}
        )
        token = {"sessionToken": authn.json()["sessionToken"]}
        # A sessionToken issued by one worker is redeemed once, whichever worker sees it.
        created = httpx.post(f"{first}/okta/api/v1/sessions", json=token, headers=api)
        reused = httpx.post(f"{second}/okta/api/v1/sessions", json=token, headers=api)
        assert (created.status_code, reused.status_code) == (200, 401)
        # Those two calls and one more spend the sessions bucket on both workers.
        third = httpx.get(f"{first}/okta/api/v1/sessions/{created.json()['id']}", headers=api)
        assert third.headers["X-Rate-Limit-Remaining"] == "0"
        refused = httpx.get(f"{second}/okta/api/v1/sessions/{created.json()['id']}", headers=api)
        assert refused.status_code == 429
        assert refused.json()["errorCode"] == "E0000047"
        assert refused.headers["X-Rate-Limit-Reset"] == third.headers["X-Rate-Limit-Reset"]


def test_a_seed_or_reset_through_one_worker_reaches_the_others_cache(tmp_path: Path) -> None:
    """Each worker keeps Okta's settings, org id and credentials in process; the store's
    generation token tells it on its next request that a seed or reset made them stale."""
    store = f"sqlite:///{tmp_path}/shared.db"
    users = f"{{}}/okta/api/v1/users/{'0' * 20}/sessions"
    with sessim_process(store) as first, sessim_process(store) as second:
        httpx.post(f"{first}/_admin/seed", json={"okta": {"api_tokens": ["old"]}})
        old = {"Authorization": "SSWS old"}
        assert httpx.delete(users.format(second), headers=old).status_code == 404  # cached
        httpx.post(f"{first}/_admin/seed", json={"okta": {"api_tokens": ["new"]}})
        new = {"Authorization": "SSWS new"}
        assert httpx.delete(users.format(second), headers=new).status_code == 404
        limits = {"okta": {"settings": {"rate_limits": {"users": 7}}}}
        httpx.post(f"{first}/_admin/seed", json=limits)
        seen = httpx.delete(users.format(second), headers=new)
        assert seen.headers["X-Rate-Limit-Limit"] == "7"
        httpx.post(f"{first}/_admin/reset")
        assert httpx.delete(users.format(second), headers=new).status_code == 401
        assert httpx.delete(users.format(second), headers=old).status_code == 401
