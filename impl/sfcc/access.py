"""OCAPI JWTs: issued as the vendor makes them, and verified into the customer they name.

Header `{"_v":"1","alg":"HS256","typ":"JWT"}`, claims `_v, exp, iat, iss, sub` with iss the
client id and sub a JSON string `{"_v":"1","customer_info":{customer_id, guest, visit_id}}`.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from ..core.kit.errors import AuthenticationFailed, TokenExpired
from .errors import ExpiredToken, InvalidAccessToken
from .state import TOKEN_SECONDS, Sfcc, Site

HEADER = {"_v": "1", "typ": "JWT"}  # alg is the Jwt's; pyjwt sorts: _v, alg, typ


@dataclass(frozen=True)
class Customer:
    """Who a token or a storefront session speaks for."""

    customer_id: str
    guest: bool


async def issue(site: Site, client_id: str, customer: Customer) -> str:
    """A new token; each carries a new visit_id (inferred), so no two are equal."""
    info = {
        "customer_id": customer.customer_id,
        "guest": customer.guest,
        "visit_id": secrets.token_hex(13),
    }
    sub = json.dumps({"_v": "1", "customer_info": info}, separators=(",", ":"))
    claims = {"_v": "1", "exp": 0, "iat": 0, "iss": client_id, "sub": sub}
    return await site.jwt.sign(claims, TOKEN_SECONDS, headers=HEADER)


async def verify(state: Sfcc, site: Site, token: str) -> tuple[Customer, dict]:
    """The customer of a genuine, live, not logged-out token of this site and a known client
    id, and its claims; InvalidAccessTokenException or ExpiredTokenException otherwise."""
    try:
        claims = await site.jwt.verify(token)
    except TokenExpired:
        raise ExpiredToken("The access token has expired.", accessToken=token) from None
    except AuthenticationFailed:
        raise _invalid(token) from None
    if claims.get("_v") != "1" or claims["iss"] not in state.clients:
        raise _invalid(token)
    return _customer(claims.get("sub"), token), claims


def _customer(sub: object, token: str) -> Customer:
    try:
        info = json.loads(sub)["customer_info"] if isinstance(sub, str) else None
    except (ValueError, TypeError, KeyError):
        info = None
    if not isinstance(info, dict):
        raise _invalid(token)
    customer_id, guest = info.get("customer_id"), info.get("guest")
    if not isinstance(customer_id, str) or not isinstance(guest, bool):
        raise _invalid(token)
    return Customer(customer_id, guest)


def _invalid(token: str) -> InvalidAccessToken:
    return InvalidAccessToken("The access token is invalid.", accessToken=token)
