"""Schemathesis' state machine on Vestiaire: a real login, then its links to the logout."""

from __future__ import annotations

from sessim.registry import VENDORS

from tests.contract.schemas import FIXTURE, run_stateful, schema_for

DEMO_LOGIN = {k: FIXTURE["vestiaire"]["users"][0][k] for k in ("email", "password")}


def test_stateful_create_then_delete() -> None:
    seen: list[tuple[str, int]] = []
    run_stateful(
        schema_for(VENDORS["vestiaire"]),
        ("createSession", DEMO_LOGIN),
        lambda *call: seen.append(call),
    )
    assert ("POST /sessions", 201) in seen
    assert ("DELETE /sessions/{sessionId}", 204) in seen  # the link carried a live session
