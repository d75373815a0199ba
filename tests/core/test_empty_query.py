"""A request without a query string skips parsing one (core/web/operations.py,
shared_request) and is still checked as connexion checks it: a required query parameter is
missing, optional ones are absent, whether the URL ends in "?" or not."""

from __future__ import annotations

import pytest

from tests.conftest import Reset

REDIRECT = "/okta/login/sessionCookieRedirect"


@pytest.mark.parametrize(
    ("query", "missing"),
    [("", "token"), ("?", "token"), ("?token=a", "redirectUrl"), ("?redirectUrl=/", "token")],
)
def test_a_required_query_parameter_is_missing_without_a_query(
    reset: Reset, query: str, missing: str
) -> None:
    answer = reset().get(REDIRECT + query, follow_redirects=False)
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["errorCode"] == "E0000001"
    assert body["errorCauses"] == [{"errorSummary": f"{missing}: Missing query parameter"}]


def test_an_optional_query_parameter_is_absent_without_a_query(reset: Reset) -> None:
    client = reset()
    login = {"email": "nobody@sessim.dev", "password": "not-a-password"}
    for query in ("", "?", "?x-siteid=1"):
        refused = client.post(f"/vestiaire/sessions{query}", json=login)
        assert refused.status_code == 401, refused.text  # checked, and the password is wrong
    invalid = client.post("/vestiaire/sessions?x-siteid=one", json=login)
    assert invalid.status_code == 400, invalid.text
