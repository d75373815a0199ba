"""Schemathesis' state machine on Okta: authn, then its links to create, read, refresh and
revoke a session."""

from __future__ import annotations

from sessim.registry import VENDORS

from tests.contract.schemas import FIXTURE, run_stateful, schema_for

OKTA = schema_for(VENDORS["okta"])
OKTA_LOGIN = {
    "username": FIXTURE["okta"]["users"][0]["login"],
    "password": FIXTURE["okta"]["users"][0]["password"],
}


def test_stateful_okta_authn_create_read_refresh_revoke() -> None:
    seen: list[tuple[str, int]] = []
    login = ("primaryAuthentication", OKTA_LOGIN)
    # Derandomized, the run repeats itself (the link choices are seeded from hypothesis'
    # draws): 40 examples walk authn 72 times, createSession 21 and its read, refresh and
    # revoke 4, 7 and 9 times, every run; the random 160 walked 25, 30 and 10 at four times
    # the CPU, and 80 missed a chain at times.
    run_stateful(OKTA, login, lambda *call: seen.append(call), examples=40, derandomize=True)
    assert ("POST /api/v1/authn", 200) in seen
    assert ("POST /api/v1/sessions", 200) in seen  # the link carried a live sessionToken
    for operation in ("GET", "POST", "DELETE"):
        path = "/lifecycle/refresh" if operation == "POST" else ""
        status = 204 if operation == "DELETE" else 200
        assert (f"{operation} /api/v1/sessions/{{sessionId}}{path}", status) in seen, sorted(
            set(seen)
        )
