"""Schemathesis' state machine on Okta: authn, then its links to create, read, refresh and
revoke a session."""

from __future__ import annotations

from sessim.registry import VENDORS

from tests.contract.schemas import FIXTURE, run_stateful, schema_for

OKTA_LOGIN = {
    "username": FIXTURE["okta"]["users"][0]["login"],
    "password": FIXTURE["okta"]["users"][0]["password"],
}


def test_stateful_okta_authn_create_read_refresh_revoke() -> None:
    seen: list[tuple[str, int]] = []
    login = ("primaryAuthentication", OKTA_LOGIN)
    # Derandomized, the run repeats itself (the link choices are seeded from hypothesis'
    # draws): 40 examples of up to 10 steps walk the session's read, refresh and revoke 30,
    # 11 and 24 times, every run; at 5 steps a chain of four calls was reached 0 to 4 times.
    # The operations of the chain: the others' links (trusted origins, users...) would share
    # its draws, and a derandomized run's walk changed with every operation the spec gained.
    okta = schema_for(VENDORS["okta"]).include(path_regex="^/api/v1/(authn|sessions)")
    run_stateful(
        okta, login, lambda *call: seen.append(call), examples=40, derandomize=True, steps=10
    )
    assert ("POST /api/v1/authn", 200) in seen
    assert ("POST /api/v1/sessions", 200) in seen  # the link carried a live sessionToken
    for operation in ("GET", "POST", "DELETE"):
        path = "/lifecycle/refresh" if operation == "POST" else ""
        status = 204 if operation == "DELETE" else 200
        assert (f"{operation} /api/v1/sessions/{{sessionId}}{path}", status) in seen, sorted(
            set(seen)
        )
