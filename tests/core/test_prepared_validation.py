"""Request validation with each operation's body arguments kept per media type
(core/web/operations.py, PreparedValidation): answers are connexion's checks in its order, the
first time a media type comes and every time after, past the media types it keeps too."""

from __future__ import annotations

import json

from httpx import Response
from starlette.testclient import TestClient

from tests.conftest import Reset

SESSIONS = "/vestiaire/sessions"
MISSING = "'password' is a required property"  # the schema's words, not the model's
LOGIN = {"email": "nobody@sessim.dev", "password": "not-a-password"}


def error(response: Response) -> tuple[int, str, str]:
    """The status, and the code and detail of Vestiaire's first error."""
    (first,) = response.json()["errors"]
    return response.status_code, first["code"], first["detail"]


def test_each_media_type_is_checked_the_same_every_time_and_past_those_kept(
    reset: Reset,
) -> None:
    client: TestClient = reset()
    unsupported = [f"application/x-{index}" for index in range(20)]
    # JSON spelled twenty ways: more than PreparedValidation keeps the body schema of.
    spellings = [
        "".join(c.upper() if index >> place & 1 else c for place, c in enumerate("appli"))
        + "cation/json"
        for index in range(20)
    ]
    answers: list[list[tuple[int, str]]] = []
    for _ in range(2):
        answers.append([])
        for media_type in spellings:
            answer = client.post(SESSIONS, content=b"{}", headers={"Content-Type": media_type})
            answers[-1].append((answer.status_code, answer.text))
        for media_type in unsupported:
            answer = client.post(SESSIONS, content=b"{}", headers={"Content-Type": media_type})
            assert error(answer)[:2] == (415, "unsupported_media_type"), media_type
        for media_type in ("application/json", "application/json; charset=utf-8"):
            headers = {"Content-Type": media_type}
            bad = client.post(SESSIONS, content=json.dumps({"email": 5}), headers=headers)
            assert error(bad) == (400, "validation_failed", MISSING)
            wrong = client.post(SESSIONS, content=json.dumps(LOGIN), headers=headers)
            assert wrong.status_code == 401, wrong.text
        # no Content-Type: taken as the operation's first media type, JSON
        bare = client.post(SESSIONS, content=json.dumps({"email": 5}))
        assert error(bare) == (400, "validation_failed", MISSING)
    first, again = answers
    assert len(set(spellings)) == 20 and first == again
