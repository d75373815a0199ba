"""What the contract run needs of Optimizely: the demo storefront client by Basic auth on
the token call; the sessions with the bearer of the demo buyer, signed in first (DELETE signs
out part-way: later calls then take the 401 or the anonymous session the spec documents);
the resources a session links to with a buyer signed in throughout. The same sign-in is how
the demo buyer signs in."""

from __future__ import annotations

from importlib.resources import files

import httpx

from ..core.web.contract import Contract, ContractRun, Headers, basic

TOKEN = "/identity/connect/token"


def storefront(section: dict, client: httpx.Client | None = None) -> Headers:
    """The demo storefront client's Basic credentials."""
    client_ = section["clients"][0]
    return basic(client_["client_id"], client_["client_secret"])


def login(section: dict) -> dict[str, str]:
    """The demo buyer's sign-in body."""
    user = section["users"][0]
    return {"userName": user["userName"], "password": user["password"]}


def bearer(section: dict, client: httpx.Client) -> Headers:
    """A fresh access token of the demo buyer (IdentityServer's password grant)."""
    user = login(section)
    form = {"grant_type": "password", "username": user["userName"], "password": user["password"]}
    token = client.post(TOKEN, data=form, headers=storefront(section))
    token.raise_for_status()
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def signed_in(section: dict, client: httpx.Client) -> Headers:
    """A bearer whose sign-in (POST /sessions) is live."""
    headers = bearer(section, client)
    client.post("/api/v1/sessions", json=login(section), headers=headers).raise_for_status()
    return headers


# The operations that answer a signed-in user only (a bearer alone is a 401).
SIGNED_IN = {
    "getBillTos",
    "getBillTo",
    "getShipTos",
    "getShipTo",
    "getAccount",
    "updateAccount",
}


def per_operation(section: dict, client: httpx.Client, operation_id: str) -> Headers:
    if operation_id == "createToken":
        return storefront(section)
    return signed_in(section, client) if operation_id in SIGNED_IN else bearer(section, client)


CONTRACT = Contract(
    runs=(
        # No links among the identity calls: no stateful phase for them.
        ContractRun(
            storefront, ("--include-tag", "Identity", "--phases", "examples,coverage,fuzzing")
        ),
        ContractRun(signed_in, ("--include-tag", "Sessions")),
        # What a session links to, for a user who stays signed in throughout.
        ContractRun(
            signed_in, ("--include-tag-regex", "^(Websites|Customers|Warehouses|Accounts)$")
        ),
    ),
    auth=per_operation,
    sign_in=signed_in,
    schemathesis=files(__package__) / "schemathesis.toml",
)
