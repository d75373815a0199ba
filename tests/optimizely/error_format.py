"""What an Optimizely error body holds beyond its spec (tests/test_hostile.py checks every
one): ASP.NET's `{"message"}`, or OAuth's on the token endpoint."""

from typing import Any


def check(response: Any) -> None:
    body = response.json()
    assert set(body) == {"message"} or body["error"]
