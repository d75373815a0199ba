"""What the contract run needs of Okta: the demo API token on every call, and rate limits
raised out of the way (fuzzing a bucket empty would turn every later check into a 429;
tests/okta covers the limits themselves)."""

from __future__ import annotations

from importlib.resources import files

import httpx

from ..core.web.contract import Contract, ContractRun, Headers

UNLIMITED = {"authn": 1_000_000, "sessions": 1_000_000, "users": 1_000_000}


def api_token(section: dict, client: httpx.Client, operation_id: str = "") -> Headers:
    return {"Authorization": f"SSWS {section['api_tokens'][0]}"}


def unlimited(section: dict) -> dict:
    return {**section, "settings": {**section.get("settings", {}), "rate_limits": UNLIMITED}}


CONTRACT = Contract(
    runs=(ContractRun(api_token),),
    auth=api_token,
    reuse_auth=300,
    seed=unlimited,
    schemathesis=files(__package__) / "schemathesis.toml",
)
