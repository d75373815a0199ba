"""The admin API's guard (impl/admin/guard.py), in process: the Host allow-list, the refusal
of state-changing calls that a page on another site could make, no CORS under /_admin, and
token failures slowed down. The same refusals in a real browser: tests/test_guard_browser.py;
the token generated beyond loopback: tests/test_admin_token.py."""

from __future__ import annotations

import asyncio
import time

import pytest
from sessim.admin import throttle
from sessim.admin.fixtures import demo
from sessim.admin.throttle import Throttle
from sessim.registry import ADMIN as ADMIN_API
from starlette.testclient import TestClient

from tests.admin.calls import state_changing
from tests.conftest import ADMIN, AppFor, Reset, assert_no_cors, preflight

FOREIGN = "attacker.example"
FROZEN_AT = "2030-01-01T00:00:00Z"
EVIL = "http://evil.example"
# What the admin API reads through, each a page a rebinding page would want.
READS = ["/_admin/journal", "/_admin/", "/_admin/state/okta", "/_admin/openapi.json"]


def refused(response, reason: str) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["title"]) == (403, "Forbidden")
    assert reason in body["detail"]


@pytest.fixture
def stocked(reset: Reset) -> TestClient:
    """The run's app as new, its clock frozen, the demo fixture and one fault rule in it."""
    client = reset(now=FROZEN_AT, seed=demo())
    rule = {"vendor": "okta", "action": "delay", "delayMs": 1}
    assert client.post("/_admin/faults", json=rule).status_code == 201
    return client


def snapshot(client: TestClient) -> dict:
    """What the state-changing calls would change: users, clock, faults, the journal."""
    return {
        "vestiaire": client.get("/_admin/state/vestiaire").json()["users"],
        "clock": client.get("/_admin/clock").json(),
        "faults": [rule["id"] for rule in client.get("/_admin/faults").json()["rules"]],
        "journal": client.get("/_admin/journal/count").json()["count"],
    }


def test_a_foreign_host_is_refused_on_the_admin_api_and_named_in_the_answer(
    client: TestClient,
) -> None:
    for path in READS:
        response = client.get(path, headers={"Host": f"{FOREIGN}:8080"})
        refused(response, f"start Sessim with --allowed-host {FOREIGN} (or SESSIM_ALLOWED_HOST")
    reset = client.post("/_admin/reset", headers={**ADMIN, "Host": FOREIGN})
    refused(reset, "DNS rebinding")
    # Health tells nothing: probes from other containers name Sessim as they know it.
    assert client.get("/_admin/health", headers={"Host": FOREIGN}).status_code == 200


@pytest.mark.parametrize(
    "host",
    ["localhost:8080", "LocalHost.", "app.localhost", "127.0.0.1:9", "[::1]:8080", "10.1.2.3"],
)
def test_loopback_names_and_addresses_are_answered(client: TestClient, host: str) -> None:
    assert client.get("/_admin/journal", headers={"Host": host}).status_code == 200


def test_allowed_host_names_add_hosts_and_star_turns_the_check_off(app_for: AppFor) -> None:
    allowed = app_for(allowed_hosts=(FOREIGN, ".example.test"))
    for host in (FOREIGN, "Attacker.Example:80", "example.test", "okta.example.test:443"):
        assert allowed.get("/_admin/journal", headers={"Host": host}).status_code == 200
    for host in ("other.example", "attacker.example.evil", "badexample.test"):
        refused(allowed.get("/_admin/journal", headers={"Host": host}), "--allowed-host")
    anything = app_for(allowed_hosts=("*",))
    assert anything.get("/_admin/", headers={"Host": "whatever.example"}).status_code == 200


def test_the_name_sessim_listens_on_is_answered(app_for: AppFor) -> None:
    bound = app_for(host="sessim")
    assert bound.get("/_admin/journal", headers={"Host": "sessim:8080"}).status_code == 200


def test_the_vendor_apis_answer_any_host(client: TestClient) -> None:
    """Users point vendor host names at Sessim (docs/security.md says why they stay open)."""
    client.post("/_admin/seed", json=demo())
    login = {"email": "demo@sessim.dev", "password": "sessim-demo"}
    created = client.post("/vestiaire/sessions", json=login, headers={"Host": FOREIGN})
    assert created.status_code == 201, created.text


def test_every_state_changing_call_without_a_mark_is_refused_and_changes_nothing(
    stocked: TestClient,
) -> None:
    before = snapshot(stocked)
    calls = state_changing(before["faults"][0])
    assert {call.operation_id for call in calls} >= {"resetState", "clearFaults", "setClock"}
    for call in calls:
        # What a form sends (no-cors fetches send the same media types).
        form = stocked.request(
            call.method,
            call.path,
            content=b"a=1",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        refused(form, "needs a JSON body (Content-Type: application/json), the header X-Sessim")
        bare = stocked.request(call.method, call.path)
        refused(bare, "a form or a no-cors fetch on another web site can send none of them")
    after = snapshot(stocked)
    # The refusals are journaled (who tried is worth seeing); nothing else changed.
    assert {**after, "journal": None} == {**before, "journal": None}


def test_a_call_from_another_origin_is_refused_whatever_it_carries(stocked: TestClient) -> None:
    before = snapshot(stocked)
    for call in state_changing(before["faults"][0]):
        marked = {**ADMIN, "Authorization": "Bearer x"}
        foreign = stocked.request(call.method, call.path, json=call.body, headers={"Origin": EVIL})
        refused(foreign, f"A page of {EVIL} may not change Sessim's state")
        for site in ("cross-site", "same-site"):
            fetched = {**marked, "Sec-Fetch-Site": site}
            response = stocked.request(call.method, call.path, json=call.body, headers=fetched)
            refused(response, f"Sec-Fetch-Site: {site}")
        null = stocked.request(call.method, call.path, json=call.body, headers={"Origin": "null"})
        refused(null, "A page of null")
    assert {**snapshot(stocked), "journal": None} == {**before, "journal": None}


def test_sessim_own_pages_and_marked_clients_change_the_state(stocked: TestClient) -> None:
    own = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    advanced = stocked.post("/_admin/clock/advance", json={"seconds": 60}, headers=own)
    assert advanced.status_code == 200
    assert advanced.json()["now"] == "2030-01-01T00:01:00Z"
    for mark in (ADMIN, {"Authorization": "Bearer anything"}, {"X-Sessim-Admin": "inspector"}):
        assert stocked.delete("/_admin/faults", headers={**own, **mark}).status_code == 204
    assert (
        stocked.post("/_admin/reset", headers={"Sec-Fetch-Site": "none", **ADMIN}).status_code
        == 204
    )
    assert stocked.get("/_admin/clock").json()["frozen"] is False


def test_a_method_or_path_that_names_no_operation_keeps_its_own_answer(
    client: TestClient,
) -> None:
    assert client.delete("/_admin/clock").status_code == 405
    assert client.post("/_admin/nothing").status_code == 404


def test_no_cors_under_admin_whatever_allow_origin_trusts(app_for: AppFor) -> None:
    trusting = app_for(allow_origins=("http://localhost:5173",))
    origin = "http://localhost:5173"
    for path in ("/_admin/reset", "/_admin/clock", "/_admin/journal"):
        answer = preflight(trusting, path, origin, "POST", "x-sessim-admin, content-type")
        assert answer.status_code == 405
        assert_no_cors(answer)
    read = trusting.get("/_admin/journal", headers={"Origin": origin})
    assert read.status_code == 200
    assert_no_cors(read)
    reset = trusting.post("/_admin/reset", headers={**ADMIN, "Origin": origin})
    refused(reset, f"A page of {origin} may not change Sessim's state")
    assert_no_cors(reset)
    # The vendors do answer it.
    vendor = preflight(trusting, "/vestiaire/sessions", origin, "POST", "content-type")
    assert vendor.headers["access-control-allow-origin"] == origin


def test_the_spec_documents_the_refusal_on_every_operation_but_health() -> None:
    """Every admin operation can answer the guard's 403 (health alone answers any Host)."""
    spec = ADMIN_API.load_spec()
    undocumented = [
        operation["operationId"]
        for item in spec["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
        if operation["operationId"] != "getHealth" and "403" not in operation["responses"]
    ]
    assert undocumented == []
    forbidden = spec["components"]["responses"]["Forbidden"]
    assert "--allowed-host" in forbidden["description"]


def test_the_token_is_never_journaled(app_for: AppFor) -> None:
    guarded = app_for(admin_token="s3cret-t0ken-never-shown")
    bearer = {"Authorization": "Bearer s3cret-t0ken-never-shown"}
    assert (
        guarded.post("/_admin/clock/advance", json={"seconds": 1}, headers=bearer).status_code
        == 200
    )
    journal = guarded.get("/_admin/journal", params={"vendor": "admin"}, headers=bearer)
    assert journal.status_code == 200
    assert "advanceClock" in journal.text
    assert "s3cret-t0ken-never-shown" not in journal.text


def test_repeated_token_failures_are_slowed_down(app_for: AppFor) -> None:
    guarded = app_for(admin_token="r1ght")
    wrong = {"Authorization": "Bearer wr0ng"}
    for _ in range(throttle.FREE_FAILURES):
        assert guarded.get("/_admin/clock", headers=wrong).status_code == 401
    began = time.perf_counter()
    assert guarded.get("/_admin/clock", headers=wrong).status_code == 401
    assert time.perf_counter() - began >= throttle.FIRST_DELAY
    # A call without credentials (a page's first look) is not held back.
    began = time.perf_counter()
    assert guarded.get("/_admin/clock").status_code == 401
    assert time.perf_counter() - began < throttle.FIRST_DELAY


def fail(slowed: Throttle, client: str) -> None:
    """A 401 answered to the client, as the guard's send sees it."""

    async def sent(message: dict) -> None:
        pass

    answer = slowed.watching(client, sent)
    asyncio.run(answer({"type": "http.response.start", "status": 401, "headers": []}))


def test_the_throttle_doubles_its_delay_per_client_and_forgets_after_a_quiet_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1000.0]
    monkeypatch.setattr(throttle.time, "monotonic", lambda: now[0])
    slowed = Throttle()
    for _ in range(throttle.FREE_FAILURES):
        assert slowed.delay("10.0.0.1") == 0
        fail(slowed, "10.0.0.1")
    assert slowed.delay("10.0.0.1") == throttle.FIRST_DELAY
    fail(slowed, "10.0.0.1")
    assert slowed.delay("10.0.0.1") == 2 * throttle.FIRST_DELAY
    for _ in range(10):
        fail(slowed, "10.0.0.1")
    assert slowed.delay("10.0.0.1") == throttle.MAX_DELAY
    assert slowed.delay("10.0.0.2") == 0
    now[0] += throttle.FORGET_AFTER + 1
    assert slowed.delay("10.0.0.1") == 0
