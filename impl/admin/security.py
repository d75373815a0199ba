"""The admin bearer token, checked only when Sessim has one: SESSIM_ADMIN_TOKEN, or the one it
generates bound beyond loopback (Settings.with_admin_token). Refusals are slowed down by the
admin guard (guard.py, throttle.py)."""

from __future__ import annotations

import secrets
from typing import Any

from ..server import served_of


def check_admin_token(token: str, request: Any) -> dict | None:
    expected = served_of(request).admin_token
    if expected and secrets.compare_digest(token.encode(), expected.encode()):
        return {"sub": "admin"}
    return None
