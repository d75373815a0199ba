"""Vestiaire createSession and deleteSession through HTTP: every rule of the spec."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import httpx
import pytest
from sessim.app import create_app
from starlette.testclient import TestClient

from tests.conftest import DEMO_USER, RACE_ROUNDS, make_settings, race_requests

LOGIN = {"email": DEMO_USER["email"], "password": DEMO_USER["password"]}
COOKIE = re.compile(r"^__session=([A-Za-z0-9]{40}); HttpOnly; Secure; SameSite=Lax; Path=/$")


def log_in(client: TestClient, **credentials: str) -> dict:
    response = client.post("/vestiaire/sessions", json=credentials or LOGIN)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def log_out(client: httpx.Client, session_id: str, header: str | None = None) -> httpx.Response:
    """DELETE the session, presenting `header` (by default the session itself)."""
    headers = {"__session": header or session_id}
    return client.delete(f"/vestiaire/sessions/{session_id}", headers=headers)


def errors(response: httpx.Response) -> list[dict]:
    assert response.headers["content-type"] == "application/json"
    return response.json()["errors"]


def clock_now(client: TestClient) -> datetime:
    return datetime.fromisoformat(client.get("/_admin/clock").json()["now"])


def test_log_in_creates_a_session_with_cookie(seeded: TestClient) -> None:
    seeded.put("/_admin/clock", json={"now": "2026-03-01T10:00:00.250Z", "frozen": True})
    response = seeded.post(
        "/vestiaire/sessions?x-siteid=1&x-language=en&x-currency=EUR",
        json={**LOGIN, "digest": "v1a2b3c4d5e6"},
    )
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    data = response.json()["data"]
    assert set(response.json()) == {"data"}
    assert data["userId"] == DEMO_USER["id"]
    assert data["expiresAt"] == "2026-03-31T10:00:00Z"  # 30 days, second precision
    cookie = COOKIE.match(response.headers["set-cookie"])
    assert cookie and cookie.group(1) == data["id"]


def test_email_matches_case_insensitively(seeded: TestClient) -> None:
    assert log_in(seeded, email=DEMO_USER["email"].upper(), password=DEMO_USER["password"])


def test_each_log_in_is_a_new_session(seeded: TestClient) -> None:
    assert log_in(seeded)["id"] != log_in(seeded)["id"]


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": DEMO_USER["email"], "password": "wrong"},
        {"email": "nobody@example.com", "password": DEMO_USER["password"]},
    ],
)
def test_bad_credentials_are_401(seeded: TestClient, credentials: dict) -> None:
    response = seeded.post("/vestiaire/sessions", json=credentials)
    assert response.status_code == 401
    assert errors(response) == [
        {
            "code": "invalid_credentials",
            "title": "Invalid credentials",
            "detail": "The email or password is incorrect.",
        }
    ]
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    ("body", "missing"),
    [({"email": "a@b.c"}, "password"), ({"password": "x"}, "email"), ({}, "email")],
)
def test_missing_fields_are_400(seeded: TestClient, body: dict, missing: str) -> None:
    response = seeded.post("/vestiaire/sessions", json=body)
    assert response.status_code == 400
    [error] = errors(response)
    assert error["code"] == "validation_failed"
    assert f"'{missing}' is a required property" in error["detail"]


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b"", "application/json", 400, "validation_failed"),
        (b"{not json", "application/json", 400, "validation_failed"),
        (b'{"email": "\xff\xfe"}', "application/json", 400, "validation_failed"),
        (b"[1, 2]", "application/json", 400, "validation_failed"),
        (b"email=a&password=b", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (b"hello", "text/plain", 415, "unsupported_media_type"),
    ],
)
def test_unusable_bodies_are_4xx_in_vestiaire_format(
    seeded: TestClient, content: bytes, content_type: str, status: int, code: str
) -> None:
    response = seeded.post(
        "/vestiaire/sessions", content=content, headers={"Content-Type": content_type}
    )
    assert response.status_code == status
    assert errors(response)[0]["code"] == code


def test_repeated_failures_lock_the_account(seeded: TestClient) -> None:
    for _ in range(5):
        wrong = seeded.post("/vestiaire/sessions", json={**LOGIN, "password": "wrong"})
        assert errors(wrong)[0]["code"] == "invalid_credentials"
    locked = seeded.post("/vestiaire/sessions", json=LOGIN)  # even the right password
    assert locked.status_code == 401
    assert errors(locked)[0]["code"] == "account_locked"
    seeded.post("/_admin/clock/advance", json={"seconds": 15 * 60})
    assert log_in(seeded)


def test_lockout_follows_the_fixture_settings(seeded: TestClient) -> None:
    settings = {"lockout_attempts": 2, "lockout_seconds": 60}
    seeded.post("/_admin/seed", json={"vestiaire": {"settings": settings}})
    for _ in range(2):
        seeded.post("/vestiaire/sessions", json={**LOGIN, "password": "wrong"})
    assert errors(seeded.post("/vestiaire/sessions", json=LOGIN))[0]["code"] == "account_locked"
    seeded.post("/_admin/clock/advance", json={"seconds": 60})
    assert log_in(seeded)


def test_log_out_ends_the_session(seeded: TestClient) -> None:
    session_id = log_in(seeded)["id"]
    response = log_out(seeded, session_id)
    assert response.status_code == 204
    assert response.content == b""
    assert "content-type" not in response.headers
    again = log_out(seeded, session_id)
    assert again.status_code == 401
    assert errors(again)[0]["code"] == "unauthorized"


@pytest.mark.parametrize("header", [None, "", "no-such-session"])
def test_log_out_without_a_live_session_header_is_401(
    seeded: TestClient, header: str | None
) -> None:
    session_id = log_in(seeded)["id"]
    headers = {} if header is None else {"__session": header}
    response = seeded.delete(f"/vestiaire/sessions/{session_id}", headers=headers)
    assert response.status_code == 401
    assert errors(response) == [
        {
            "code": "unauthorized",
            "title": "Unauthorized",
            "detail": "A valid __session header is required.",
        }
    ]
    # The session survives a failed log-out.
    mine = log_out(seeded, session_id)
    assert mine.status_code == 204


def test_log_out_of_another_session_is_403(seeded: TestClient) -> None:
    mine, theirs = log_in(seeded)["id"], log_in(seeded)["id"]
    response = log_out(seeded, theirs, mine)
    assert response.status_code == 403
    assert errors(response)[0]["code"] == "forbidden"
    assert log_out(seeded, theirs).is_success


def test_sessions_expire_and_slide_on_use(seeded: TestClient) -> None:
    settings = {"session_lifetime_seconds": 3600}
    seeded.post("/_admin/seed", json={"vestiaire": {"settings": settings}})
    seeded.put("/_admin/clock", json={"frozen": True})
    first = log_in(seeded)
    expires = datetime.fromisoformat(first["expiresAt"])
    assert expires == (clock_now(seeded) + timedelta(hours=1)).replace(microsecond=0)
    seeded.post("/_admin/clock/advance", json={"seconds": 3000})
    second = log_in(seeded)["id"]
    # Presenting the first session (refused with 403, but authenticated) slides it to 6600 s.
    assert log_out(seeded, second, first["id"]).status_code == 403
    seeded.post("/_admin/clock/advance", json={"seconds": 3000})
    assert log_out(seeded, first["id"]).status_code == 204  # past its first expiry, alive
    seeded.post("/_admin/clock/advance", json={"seconds": 700})
    assert log_out(seeded, second).status_code == 401  # 3700 s unused: expired


def test_thirty_days_default_lifetime(seeded: TestClient) -> None:
    session_id = log_in(seeded)["id"]
    seeded.post("/_admin/clock/advance", json={"seconds": 30 * 86_400 + 1})
    response = log_out(seeded, session_id)
    assert response.status_code == 401


def test_wrong_method_is_405_with_allow(seeded: TestClient) -> None:
    response = seeded.get("/vestiaire/sessions")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert errors(response)[0]["code"] == "method_not_allowed"
    response = seeded.put("/vestiaire/sessions/abc")
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE"


def test_unknown_path_is_404_in_vestiaire_format(seeded: TestClient) -> None:
    response = seeded.get("/vestiaire/products/1")
    assert response.status_code == 404
    assert errors(response)[0]["code"] == "not_found"


def test_spec_and_swagger_ui_are_served(client: TestClient) -> None:
    assert client.get("/vestiaire/openapi.json").json()["info"]["title"].startswith("Vestiaire")
    assert client.get("/vestiaire/ui/").status_code == 200


@pytest.mark.slow
def test_concurrent_log_outs_succeed_exactly_once(racers: list[httpx.Client]) -> None:
    """Twenty log-outs of one session, spread over processes sharing one store and sent at
    one moment: exactly one ends it, round after round."""
    racers[0].post("/_admin/seed", json={"vestiaire": {"users": [DEMO_USER]}})
    for _ in range(RACE_ROUNDS):
        session_id = racers[0].post("/vestiaire/sessions", json=LOGIN).json()["data"]["id"]
        responses = race_requests(racers, partial(log_out, session_id=session_id))
        assert sorted(response.status_code for response in responses) == [204] + [401] * 19


def test_sessions_survive_a_restart(tmp_path: Path) -> None:
    settings = make_settings(store=f"sqlite:///{tmp_path}/restart.db")
    with TestClient(create_app(settings)) as first:
        first.post("/_admin/seed", json={"vestiaire": {"users": [DEMO_USER]}})
        session_id = log_in(first)["id"]
    with TestClient(create_app(settings)) as second:
        response = log_out(second, session_id)
        assert response.status_code == 204


def test_an_id_with_a_line_break_is_404_in_vestiaire_format(seeded: TestClient) -> None:
    response = seeded.delete("/vestiaire/sessions/%0A", headers={"__session": "x"})
    assert response.status_code == 404
    assert errors(response)[0]["code"] == "not_found"


def test_a_trailing_slash_is_answered_as_the_path_without_it(seeded: TestClient) -> None:
    """No 307: the operation itself answers, as apiv2's web clients post to `sessions/`."""
    response = seeded.post("/vestiaire/sessions/?x-siteid=1", json=LOGIN, follow_redirects=False)
    assert response.status_code == 201, response.text
    assert "location" not in response.headers
    session_id = response.json()["data"]["id"]
    ended = seeded.delete(
        f"/vestiaire/sessions/{session_id}/",
        headers={"__session": session_id},
        follow_redirects=False,
    )
    assert ended.status_code == 204
    gone = seeded.delete(
        f"/vestiaire/sessions/{session_id}//",
        headers={"__session": session_id},
        follow_redirects=False,
    )
    assert gone.status_code in (401, 404), gone.text
    assert (
        errors(gone)[0]["code"]
        == errors(
            seeded.delete(f"/vestiaire/sessions/{session_id}", headers={"__session": session_id})
        )[0]["code"]
    )


def test_a_wrong_method_with_a_trailing_slash_is_the_same_405(seeded: TestClient) -> None:
    response = seeded.get("/vestiaire/sessions/", follow_redirects=False)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert errors(response)[0]["code"] == "method_not_allowed"
