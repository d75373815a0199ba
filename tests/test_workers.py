"""Two `sessim serve` processes on one SQLite file behave as one server (DESIGN.md, the store)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import DEMO_USER, sessim_process

LOGIN = {"email": DEMO_USER["email"], "password": DEMO_USER["password"]}


def test_two_workers_share_users_sessions_counters_and_clock(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/shared.db"
    with sessim_process("--store", store) as first, sessim_process("--store", store) as second:
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
