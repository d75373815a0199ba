"""What an OCAPI fault holds beyond its spec (tests/test_hostile.py checks every one)."""

from typing import Any


def check(response: Any) -> None:
    body = response.json()
    assert body["_v"] == "20.8"
    assert {"type", "message", "arguments"} <= body["fault"].keys()
