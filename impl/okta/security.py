"""apiToken (`SSWS <token>`, also without the space) and oauth2 (`Bearer <token>` with scopes)."""

from __future__ import annotations

from typing import Any

from .state import okta_for

SSWS = "SSWS"


async def api_token(apikey: str, request: Any) -> dict | None:
    """The whole Authorization header; None (401 E0000011) unless it holds a known API token."""
    if not apikey.startswith(SSWS):
        return None  # a Bearer token is the oauth2 scheme's to judge
    token = apikey.removeprefix(SSWS).strip()
    if not token or not (await okta_for(request)).is_api_token(token):
        return None
    return {"sub": "api-token"}


async def access_token(token: str, request: Any) -> dict | None:
    """A known access token's scopes, which connexion checks against the operation's."""
    scopes = (await okta_for(request)).access_token_scopes(token)
    if scopes is None:
        return None
    return {"sub": "access-token", "scope": scopes}
