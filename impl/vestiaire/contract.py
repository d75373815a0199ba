"""What the contract run needs of Vestiaire: no credentials of its own (its login is a spec
example), but a logout presents, in `__session`, the session it ends: deleteSession's
credentials are its own sessionId. How the demo user signs in; its schemathesis settings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib.resources import files

import httpx

from ..core.web.contract import Contract, Headers

SESSION_ID = re.compile(r"[A-Za-z0-9]{1,100}")


def own_session(path: Mapping[str, object]) -> Headers:
    """The session the call ends; a generated id that is no valid header text presents a
    dead session instead."""
    session_id = str(path.get("sessionId", ""))
    return {"__session": session_id if SESSION_ID.fullmatch(session_id) else "not-a-session"}


def signed_in(section: dict, client: httpx.Client) -> str:
    """The demo user's log-in; the session id."""
    user = section["users"][0]
    response = client.post("/sessions", json={"email": user["email"], "password": user["password"]})
    response.raise_for_status()
    return response.json()["data"]["id"]


CONTRACT = Contract(
    own_credentials={"deleteSession": own_session},
    sign_in=signed_in,
    schemathesis=files(__package__) / "schemathesis.toml",
)
