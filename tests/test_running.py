"""`sessim.running()`: a real server in the test's process. First the unittest example that
docs/testing.md includes (between the snippet markers), then what the context manager
promises: URLs, options, the admin calls, a clean stop."""

from __future__ import annotations

import contextlib
import gc
import json
import socket
import sqlite3
import subprocess
import sys
import unittest
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sessim
from sessim.admin_client import AdminClient, ClockTime
from sessim.registry import VENDORS

from tests.conftest import ADMIN

SHOPPER = {"email": "ana@example.com", "password": "correct horse"}
SEED = {"vestiaire": {"users": [SHOPPER]}}
SEED_YAML = "vestiaire:\n  users:\n    - {email: ana@example.com, password: correct horse}\n"


# --8<-- [start:example]
class VestiaireLogInTest(unittest.TestCase):
    """One server for the class; each test starts from the seed alone."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.sessim = cls.enterClassContext(sessim.running(seed=SEED))

    def setUp(self) -> None:
        self.sessim.reset()
        self.sessim.seed(SEED)

    def test_log_in_then_out(self) -> None:
        response = httpx.post(f"{self.sessim.vestiaire}/sessions", json=SHOPPER)
        self.assertEqual(response.status_code, 201)
        session = response.json()["data"]["id"]
        out = httpx.delete(
            f"{self.sessim.vestiaire}/sessions/{session}", headers={"__session": session}
        )
        self.assertEqual(out.status_code, 204)

    def test_the_session_expires_after_thirty_days(self) -> None:
        session = httpx.post(f"{self.sessim.vestiaire}/sessions", json=SHOPPER).json()["data"]
        self.sessim.clock.advance("30d")
        out = httpx.delete(
            f"{self.sessim.vestiaire}/sessions/{session['id']}",
            headers={"__session": session["id"]},
        )
        self.assertEqual(out.status_code, 401)

    # --8<-- [end:example]


@pytest.mark.registry
def test_urls_of_every_served_api() -> None:
    with sessim.running() as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert server.okta == f"{server.url}/okta"
        assert server.urls == {
            "admin": f"{server.url}/_admin",
            **{name: f"{server.url}{api.base_path}" for name, api in VENDORS.items()},
        }
        assert httpx.get(f"{server.admin}/health").json() == {"status": "ok"}


def test_apis_option_serves_only_those() -> None:
    with sessim.running(apis=["okta"]) as server:
        assert set(server.urls) == {"admin", "okta"}
        with pytest.raises(
            AttributeError, match="serves no API 'vestiaire'; it serves admin, okta"
        ):
            _ = server.vestiaire
        assert httpx.post(f"{server.url}/vestiaire/sessions", json=SHOPPER).status_code == 404


def test_allow_origins_option_trusts_an_origin_on_every_vendor() -> None:
    with sessim.running(apis=["vestiaire"], allow_origins=["http://localhost:5173"]) as server:
        assert server.settings.allow_origins == ("http://localhost:5173",)
        headers = {"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"}
        response = httpx.options(f"{server.vestiaire}/sessions", headers=headers)
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "http://localhost:5173"


def stored_hash_costs(database: Path) -> str:
    """The argon2id parameters of the password hash SEED's shopper got, in the SQLite file."""
    with contextlib.closing(sqlite3.connect(database)) as db:
        values = [json.loads(row[0]) for row in db.execute("SELECT value FROM records")]
    hashes = [
        value["password_hash"]
        for value in values
        if isinstance(value, dict) and "password_hash" in value
    ]
    assert len(hashes) == 1
    return hashes[0].split("$")[3]


def test_passwords_are_hashed_at_argon2ids_minimum_cost_by_default(tmp_path: Path) -> None:
    """Tests measure a client's behaviour, not the hashing: one pass over 8 KiB, not OWASP's."""
    with sessim.running(seed=SEED, store=f"sqlite:///{tmp_path}/s.db") as server:
        assert (server.settings.argon2_time_cost, server.settings.argon2_memory_kib) == (1, 8)
        assert httpx.post(f"{server.vestiaire}/sessions", json=SHOPPER).status_code == 201
    assert stored_hash_costs(tmp_path / "s.db") == "m=8,t=1,p=1"


def test_the_hashing_cost_is_an_option(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/s.db"
    with sessim.running(seed=SEED, store=store, argon2_time_cost=2, argon2_memory_kib=1024) as s:
        assert httpx.post(f"{s.vestiaire}/sessions", json=SHOPPER).status_code == 201
        assert (
            httpx.post(f"{s.vestiaire}/sessions", json={**SHOPPER, "password": "no"}).status_code
            == 401
        )
    assert stored_hash_costs(tmp_path / "s.db") == "m=1024,t=2,p=1"


def test_leaving_the_block_stops_the_server_and_frees_its_port() -> None:
    with sessim.running() as server:
        port = int(server.url.rsplit(":", 1)[1])
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.admin}/health")
    with socket.create_server(("127.0.0.1", port)):  # the port can be bound again
        pass


def test_each_server_has_its_own_memory_store() -> None:
    with sessim.running(seed=SEED) as first, sessim.running() as second:
        assert httpx.post(f"{first.vestiaire}/sessions", json=SHOPPER).status_code == 201
        assert httpx.post(f"{second.vestiaire}/sessions", json=SHOPPER).status_code == 401


def test_seed_from_a_yaml_file(tmp_path: Path) -> None:
    fixture = tmp_path / "seed.yaml"
    fixture.write_text(SEED_YAML)
    with sessim.running(seed=fixture) as server:
        assert httpx.post(f"{server.vestiaire}/sessions", json=SHOPPER).status_code == 201
        assert server.seed(str(fixture)) == {"vestiaire": {"users": 1, "settings": 0}}


def test_clock_set_now_and_advance() -> None:
    with sessim.running() as server:
        at = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
        assert server.clock.set(at, frozen=True) == ClockTime(at, True)
        assert server.clock.advance(90).now == datetime(2026, 3, 1, 10, 1, 30, tzinfo=UTC)
        assert server.clock.advance("2h").now == datetime(2026, 3, 1, 12, 1, 30, tzinfo=UTC)
        assert server.clock.now() == datetime(2026, 3, 1, 12, 1, 30, tzinfo=UTC)
        assert server.clock.set("2027-01-01T00:00:00Z").now == datetime(2027, 1, 1, tzinfo=UTC)
        unfrozen = server.clock.set(frozen=False)
        assert not unfrozen.frozen and unfrozen.now >= datetime(2027, 1, 1, tzinfo=UTC)
        server.reset()
        assert abs((server.clock.now() - datetime.now(UTC)).total_seconds()) < 60
        with pytest.raises(ValueError, match="no time zone"):
            server.clock.set(datetime(2026, 3, 1))
        with pytest.raises(ValueError, match="is not a duration"):
            server.clock.advance("soon")


def test_a_refusal_is_an_admin_error_with_its_status_and_reason() -> None:
    with sessim.running() as server:
        with pytest.raises(sessim.AdminError, match=r"POST /_admin/seed: 400 .*password") as raised:
            server.seed({"vestiaire": {"users": [{"email": "ana@example.com"}]}})
        assert raised.value.status == 400


def test_beyond_loopback_a_token_is_generated_and_the_object_presents_it() -> None:
    with sessim.running(host="0.0.0.0") as server:
        assert server.settings.admin_token
        assert server.clock.set(frozen=True).frozen
        assert httpx.post(f"{server.admin}/reset", headers=ADMIN).status_code == 401


def test_the_admin_token_option_guards_the_admin_api_and_the_object_presents_it() -> None:
    with sessim.running(admin_token="s3cret-admin", seed=SEED) as server:
        assert server.clock.set(frozen=True).frozen
        assert httpx.post(f"{server.admin}/reset", headers=ADMIN).status_code == 401
        unauthorized = AdminClient(server.url, "wrong")
        with pytest.raises(sessim.AdminError, match="refused the admin token") as raised:
            unauthorized.reset()
        assert raised.value.status == 401


def test_a_server_that_cannot_start_says_why() -> None:
    with (
        pytest.raises(ValueError, match="unknown API 'nope'"),
        sessim.running(apis=["nope"]),
    ):
        pass
    with pytest.raises(ValueError, match="store"), sessim.running(store="bogus://x"):
        pass


def test_importing_sessim_or_its_plugin_loads_no_server() -> None:
    code = (
        "import sys, sessim, sessim.pytest_plugin;"
        "heavy = {'sessim.app', 'sessim.testing', 'connexion', 'uvicorn'} & set(sys.modules);"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_plain_http_server_loads_no_cryptography() -> None:
    """cryptography's x509 module is a tenth of running()'s start-up: HTTPS only."""
    code = (
        "import sys, httpx, sessim\n"
        "with sessim.running() as s: assert httpx.get(s.admin + '/health').status_code == 200\n"
        "loaded = [name for name in sys.modules if name.startswith('cryptography')]\n"
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_journal_through_the_object() -> None:
    with sessim.running(seed=SEED) as server:
        server.journal.clear()
        assert httpx.post(f"{server.vestiaire}/sessions", json={**SHOPPER, "password": "no"})
        assert httpx.post(f"{server.vestiaire}/sessions", json=SHOPPER).status_code == 201
        assert server.journal.count(vendor="vestiaire", status=401) == 1
        assert server.journal.count(operation_id="createSession", method="post") == 2
        entries = server.journal.list(vendor="vestiaire")
        assert [entry["status"] for entry in entries] == [201, 401]
        assert server.journal.list(vendor="vestiaire", limit=1) == entries[:1]
        assert server.journal.list(since=datetime(2999, 1, 1, tzinfo=UTC)) == []
        server.journal.clear()
        assert server.journal.count(vendor="vestiaire") == 0


def test_faults_through_the_object() -> None:
    with sessim.running(seed=SEED) as server:
        rule = server.faults.add("status", status=500, vendor="vestiaire", times=2)
        assert rule["remaining"] == 2 and server.faults.list() == [rule]
        statuses = [
            httpx.post(f"{server.vestiaire}/sessions", json=SHOPPER).status_code for _ in range(3)
        ]
        assert statuses == [500, 500, 201]
        assert server.faults.list() == [{**rule, "remaining": 0, "matched": 3}]
        server.faults.remove(rule["id"])
        assert server.faults.list() == []
        delay = server.faults.add("delay", delay="10ms", delay_max="20ms", path="/vestiaire/*")
        assert (delay["delayMs"], delay["delayMaxMs"], delay["path"]) == (10, 20, "/vestiaire/*")
        server.faults.clear()
        assert server.faults.list() == []


def test_journal_pages_are_followed_to_the_end() -> None:
    with sessim.running() as server:
        server.journal.clear()
        for _ in range(3):
            httpx.get(f"{server.vestiaire}/nothing")
        server.journal.PAGE = 2  # this object's pages: two entries each
        assert len(server.journal.list(vendor="vestiaire")) == 3
        assert len(server.journal.list(vendor="vestiaire", limit=3)) == 3


@pytest.mark.parametrize("collecting", [True, False])
def test_the_collector_is_paused_while_the_app_starts_and_left_as_it_was(
    collecting: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sessim import testing

    seen: list[bool] = []
    build = testing.create_app

    def create_app(settings: Any) -> Any:
        seen.append(gc.isenabled())
        return build(settings)

    monkeypatch.setattr(testing, "create_app", create_app)
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        with sessim.running() as served:
            assert gc.isenabled() is collecting
            assert httpx.get(f"{served.url}/_admin/health").status_code == 200
        assert gc.isenabled() is collecting
        taken = socket.create_server(("127.0.0.1", 0))
        with taken, pytest.raises(OSError), sessim.running(port=taken.getsockname()[1]):
            pass  # a start that fails leaves it as it was too
        assert gc.isenabled() is collecting
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False, False]
