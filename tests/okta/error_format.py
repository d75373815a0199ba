"""What an Okta error body holds beyond its spec (tests/test_hostile.py checks every one):
Okta's API error, or OAuth's on the authorization servers' OAuth endpoints."""

from typing import Any


def check(response: Any) -> None:
    body = response.json()
    if "error" in body:
        assert set(body) == {"error", "error_description"} and body["error_description"]
        endpoint = response.request.url.path.rsplit("/", 1)[-1]
        assert endpoint in ("token", "userinfo", "introspect", "revoke")
        return
    assert {"errorCode", "errorSummary", "errorId"} <= body.keys()
