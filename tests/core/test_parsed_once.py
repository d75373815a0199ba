"""A JSON body is parsed once (core/web/operations.py, hand_over): the handler reads what the
validator parsed from UTF-8, and a body in another charset is parsed again from its bytes,
as before; the answers are the same either way."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette import requests
from starlette.testclient import TestClient

from tests.conftest import Reset
from tests.vestiaire.test_sessions_api import DEMO_USER

SESSIONS = "/vestiaire/sessions"
LOGIN = {"email": DEMO_USER["email"], "password": DEMO_USER["password"]}


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bodies Starlette's Request.json parses from their bytes."""
    seen: list[bytes] = []
    parse = requests.Request.json

    async def counted(self: requests.Request) -> Any:
        if not hasattr(self, "_json"):
            seen.append(await self.body())
        return await parse(self)

    monkeypatch.setattr(requests.Request, "json", counted)
    return seen


@pytest.mark.parametrize(
    ("content_type", "parsed_again"),
    [
        ("application/json", False),
        ("application/json; charset=UTF-8", False),
        ("application/json;charset=latin-1", True),  # connexion reads a charset only so spelt
    ],
)
def test_the_handler_reads_the_body_the_validator_parsed(
    reset: Reset, parses: list[bytes], content_type: str, parsed_again: bool
) -> None:
    client: TestClient = reset(seed={"vestiaire": {"users": [DEMO_USER]}})
    parses.clear()  # the seed's
    body = json.dumps(LOGIN).encode()
    logged_in = client.post(SESSIONS, content=body, headers={"Content-Type": content_type})
    assert logged_in.status_code == 201, logged_in.text
    assert logged_in.json()["data"]["id"]
    assert parses == ([body] if parsed_again else [])
    wrong = {**LOGIN, "password": "not-it"}
    refused = client.post(
        SESSIONS, content=json.dumps(wrong), headers={"Content-Type": content_type}
    )
    assert refused.status_code == 401, refused.text
