"""What a Vestiaire error body holds beyond its spec (tests/test_hostile.py checks every one)."""

from typing import Any


def check(response: Any) -> None:
    assert response.json()["errors"][0]["code"]
