"""The Bearer header's shape (core/web/security.py), as a strict Bearer scheme reads it."""

from __future__ import annotations

import pytest
from sessim.core.web.security import bearer_token


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc.def-_~+/=", "abc.def-_~+/="),
        ("bearer abc", "abc"),  # the scheme in any case (RFC 7235)
        ("Bearer   abc", "abc"),
        ("Bearer", None),
        ("Bearer ", None),
        ("Bearer a b", None),
        ("Bearer:abc", None),
        ("Basic YTpi", None),
        ("abc", None),
        ("Bearer a=b", None),  # padding only at the end (RFC 6750's b64token)
        ("Bearer é", None),
    ],
)
def test_bearer_token(header: str, token: str | None) -> None:
    assert bearer_token(header) == token
