"""What the contract run needs of Okta: the demo API token on every call, and rate limits
raised out of the way (fuzzing a bucket empty would turn every later check into a 429;
tests/okta covers the limits themselves); how the demo user signs in."""

from __future__ import annotations

from importlib.resources import files

import httpx

from ..core.web.contract import Contract, ContractRun, Headers

UNLIMITED = {
    "authn": 1_000_000,
    "sessions": 1_000_000,
    "users": 1_000_000,
    "trustedOrigins": 1_000_000,
    "apps": 1_000_000,
    "authorizationServers": 1_000_000,
}


def api_token(section: dict, client: httpx.Client, operation_id: str = "") -> Headers:
    return {"Authorization": f"SSWS {section['api_tokens'][0]}"}


def signed_in(section: dict, client: httpx.Client) -> str:
    """The demo user's authn sessionToken exchanged for a session; its id."""
    user = section["users"][0]
    credentials = {"username": user["login"], "password": user["password"]}
    authn = client.post("/api/v1/authn", json=credentials)
    authn.raise_for_status()
    token = {"sessionToken": authn.json()["sessionToken"]}
    session = client.post("/api/v1/sessions", json=token, headers=api_token(section, client))
    session.raise_for_status()
    return session.json()["id"]


def unlimited(section: dict) -> dict:
    return {**section, "settings": {**section.get("settings", {}), "rate_limits": UNLIMITED}}


CONTRACT = Contract(
    runs=(ContractRun(api_token),),
    auth=api_token,
    reuse_auth=300,
    seed=unlimited,
    sign_in=signed_in,
    schemathesis=files(__package__) / "schemathesis.toml",
)
