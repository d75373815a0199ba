"""The admin bearer token, checked only when SESSIM_ADMIN_TOKEN is set."""

from __future__ import annotations

import secrets
from typing import Any

from ..server import served_of


def check_admin_token(token: str, request: Any) -> dict | None:
    expected = served_of(request).admin_token
    if expected and secrets.compare_digest(token.encode(), expected.encode()):
        return {"sub": "admin"}
    return None
