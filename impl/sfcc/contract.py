"""What the contract run needs of SFCC: the demo client id on every call, and a guest JWT
of the default site for /sessions and the logout (which revokes it part-way: later calls
then take the 401 the spec documents); how the demo customer signs in."""

from __future__ import annotations

from importlib.resources import files

import httpx

from ..core.web.contract import Contract, ContractRun, Headers, basic

SHOP = "/s/-/dw/shop/20.8"  # the default site


def client_id(section: dict) -> Headers:
    return {"x-dw-client-id": section["clients"][0]["client_id"]}


def guest_jwt(section: dict, client: httpx.Client) -> Headers:
    response = client.post(
        f"{SHOP}/customers/auth", json={"type": "guest"}, headers=client_id(section)
    )
    response.raise_for_status()
    return {"Authorization": response.headers["authorization"]}


def client_id_and_guest(section: dict, client: httpx.Client) -> Headers:
    return {**client_id(section), **guest_jwt(section, client)}


def signed_in(section: dict, client: httpx.Client) -> Headers:
    """The demo customer's JWT (credentials login), with which a storefront session starts."""
    customer = section["customers"][0]
    credentials = {**client_id(section), **basic(customer["login"], customer["password"])}
    auth = client.post(f"{SHOP}/customers/auth", json={"type": "credentials"}, headers=credentials)
    auth.raise_for_status()
    bearer = {**client_id(section), "Authorization": auth.headers["authorization"]}
    client.post(f"{SHOP}/sessions", headers=bearer).raise_for_status()
    return bearer


def per_operation(section: dict, client: httpx.Client, operation_id: str) -> Headers:
    """The client id alone on the guest login (its only security), a JWT elsewhere."""
    if operation_id == "postCustomersAuth":
        return client_id(section)
    return guest_jwt(section, client)


CONTRACT = Contract(
    runs=(ContractRun(client_id_and_guest),),
    auth=per_operation,
    # The JWT of a new basket's owner, which a link carries to its billing address, stays.
    links_carry_credentials=True,
    sign_in=signed_in,
    schemathesis=files(__package__) / "schemathesis.toml",
)
