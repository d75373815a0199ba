"""The admin API: health, reset, fixtures, the clock and the optional admin token."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from starlette.testclient import TestClient

from tests.conftest import ADMIN, DEMO_USER, AppFor

LOGIN = {"email": DEMO_USER["email"], "password": DEMO_USER["password"]}


def problem(response) -> dict:
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


def test_health(client: TestClient) -> None:
    response = client.get("/_admin/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_seed_reports_what_it_loaded(client: TestClient) -> None:
    fixture = {"vestiaire": {"settings": {"lockout_attempts": 3}, "users": [DEMO_USER]}}
    response = client.post("/_admin/seed", json=fixture)
    assert response.status_code == 200
    assert response.json() == {"loaded": {"vestiaire": {"users": 1, "settings": 1}}}
    assert client.post("/vestiaire/sessions", json=LOGIN).status_code == 201


def test_seed_replaces_a_users_password_and_keeps_its_id(client: TestClient) -> None:
    user = {"email": "kim@example.com", "password": "first"}
    client.post("/_admin/seed", json={"vestiaire": {"users": [user]}})
    first_id = client.post("/vestiaire/sessions", json=user).json()["data"]["userId"]
    assert first_id.isdigit() and len(first_id) == 8
    client.post("/_admin/seed", json={"vestiaire": {"users": [{**user, "password": "second"}]}})
    assert client.post("/vestiaire/sessions", json=user).status_code == 401
    again = client.post("/vestiaire/sessions", json={**user, "password": "second"})
    assert again.json()["data"]["userId"] == first_id


@pytest.mark.parametrize(
    "fixture",
    [
        {"okta-typo": {}},
        {"vestiaire": {"users": [{"email": "a@b.c"}]}},
        {"vestiaire": {"users": [{"email": "a@b.c", "password": "x", "role": "admin"}]}},
        {"vestiaire": {"settings": {"session_lifetime_seconds": 0}}},
        [],
    ],
)
def test_a_bad_fixture_is_400_and_loads_nothing(client: TestClient, fixture: object) -> None:
    bad = {"vestiaire": {"users": [DEMO_USER]}, **fixture} if isinstance(fixture, dict) else []
    response = client.post("/_admin/seed", json=bad)
    assert response.status_code == 400
    assert problem(response)["status"] == 400
    assert client.post("/vestiaire/sessions", json=LOGIN).status_code == 401


def test_reset_wipes_users_sessions_and_clock(seeded: TestClient) -> None:
    session_id = seeded.post("/vestiaire/sessions", json=LOGIN).json()["data"]["id"]
    seeded.put("/_admin/clock", json={"now": "2030-01-01T00:00:00Z", "frozen": True})
    response = seeded.post("/_admin/reset", headers=ADMIN)
    assert response.status_code == 204
    assert response.content == b""
    assert seeded.post("/vestiaire/sessions", json=LOGIN).status_code == 401
    gone = seeded.delete(f"/vestiaire/sessions/{session_id}", headers={"__session": session_id})
    assert gone.status_code == 401
    assert seeded.get("/_admin/clock").json()["frozen"] is False


def test_clock_runs_in_real_time_by_default(client: TestClient) -> None:
    body = client.get("/_admin/clock").json()
    assert body["frozen"] is False
    assert abs(datetime.fromisoformat(body["now"]) - datetime.now().astimezone()) < timedelta(
        seconds=5
    )


def test_clock_set_freeze_and_advance(client: TestClient) -> None:
    frozen = client.put("/_admin/clock", json={"now": "2027-05-01T12:00:00Z", "frozen": True})
    assert frozen.status_code == 200
    assert frozen.json() == {"now": "2027-05-01T12:00:00Z", "frozen": True}
    assert client.get("/_admin/clock").json()["now"] == "2027-05-01T12:00:00Z"
    advanced = client.post("/_admin/clock/advance", json={"seconds": 90.5})
    assert advanced.json() == {"now": "2027-05-01T12:01:30.500000Z", "frozen": True}
    thawed = client.put("/_admin/clock", json={"frozen": False}).json()
    assert thawed["frozen"] is False
    assert thawed["now"].startswith("2027-05-01T12:01:3")


def test_a_trailing_slash_is_the_path_without_it(client: TestClient) -> None:
    frozen = client.put("/_admin/clock/", json={"now": "2027-05-01T12:00:00Z", "frozen": True})
    assert frozen.status_code == 200, frozen.text
    advanced = client.post("/_admin/clock/advance/", json={"seconds": 60}, follow_redirects=False)
    assert advanced.status_code == 200
    assert advanced.json() == {"now": "2027-05-01T12:01:00Z", "frozen": True}


def test_clock_set_keeps_time_running_unless_frozen(client: TestClient) -> None:
    body = client.put("/_admin/clock", json={"now": "2028-02-29T00:00:00+02:00"}).json()
    assert body["frozen"] is False
    assert body["now"].startswith("2028-02-28T22:00:0")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/_admin/clock", {}),
        ("PUT", "/_admin/clock", {"now": "yesterday"}),
        ("PUT", "/_admin/clock", {"now": "3001-01-01T00:00:00Z"}),
        ("PUT", "/_admin/clock", {"now": "2027-01-01T00:00:00"}),
        ("PUT", "/_admin/clock", {"speed": 2}),
        ("POST", "/_admin/clock/advance", {"seconds": -1}),
        ("POST", "/_admin/clock/advance", {}),
        ("POST", "/_admin/clock/advance", {"seconds": "10"}),
    ],
)
def test_bad_clock_moves_are_400(client: TestClient, method: str, path: str, body: dict) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code == 400
    assert problem(response)["title"] == "Bad Request"


def test_advancing_past_the_year_3000_is_409(client: TestClient) -> None:
    client.put("/_admin/clock", json={"now": "2999-12-31T00:00:00Z", "frozen": True})
    response = client.post("/_admin/clock/advance", json={"seconds": 2 * 86_400})
    assert response.status_code == 409
    assert problem(response)["detail"].startswith("Advancing that far")
    assert client.get("/_admin/clock").json()["now"] == "2999-12-31T00:00:00Z"


def test_admin_errors_are_problem_details(client: TestClient) -> None:
    wrong_method = client.delete("/_admin/clock")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "GET, PUT"
    assert problem(wrong_method)["status"] == 405
    assert problem(client.get("/_admin/nothing"))["status"] == 404
    assert problem(client.get("/elsewhere"))["status"] == 404  # paths no API owns


@pytest.fixture
def guarded(app_for: AppFor) -> TestClient:
    """The run's app that asks for an admin token (no test here reads its state)."""
    return app_for(admin_token="s3cret")


def test_admin_token_guards_every_call_but_health(guarded: TestClient) -> None:
    assert guarded.get("/_admin/health").status_code == 200
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic czNjcmV0"}):
        response = guarded.get("/_admin/clock", headers=headers)
        assert response.status_code == 401
        assert problem(response)["status"] == 401
    ok = guarded.get("/_admin/clock", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    reset = guarded.post("/_admin/reset", headers={"Authorization": "Bearer s3cret"})
    assert reset.status_code == 204


def test_served_admin_spec_says_whether_the_token_is_required(
    client: TestClient, guarded: TestClient
) -> None:
    assert client.get("/_admin/openapi.json").json()["security"] == []
    assert guarded.get("/_admin/openapi.json").json()["security"] == [{"adminToken": []}]
