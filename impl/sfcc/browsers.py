"""How OCAPI answers a page on another origin (its CORS page and OCAPI settings page): every
Shop API resource answers an Origin that the client's OCAPI settings list in
`allowed_origins`, with the origin confirmed and credentials allowed; any other origin is
401 UnauthorizedOriginException (`origin`, the global exceptions table) without CORS
headers. A preflight is 204 (OCAPI's OPTIONS). The client is the one the request names:
`x-dw-client-id`, `client_id` in the query, else the `iss` of its Bearer JWT.

The answers expose `Authorization`, where customers/auth puts the JWT: without it a page
could not read its token. No OCAPI page lists the exposed headers (the global headers page
names Access-Control-Expose-Headers only); Salesforce's own client, "for Node and browsers"
(commercecloud-ocapi-client's README), reads the JWT from that header after customers/auth,
which a browser on another origin allows only when it is exposed (inferred)."""

from __future__ import annotations

import base64
import binascii
import json
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.types import Scope

from ..core.kit.runtime import SCOPE_KEY
from ..core.web.conventions import Cors
from .errors import unauthorized_origin
from .state import sfcc


async def allowed_origin(scope: Scope, origin: str) -> bool:
    return (await sfcc(scope[SCOPE_KEY])).allows(client_of(scope), origin)


def client_of(scope: Scope) -> str | None:
    """The client id a request names, None where it names none."""
    headers = Headers(scope=scope)
    named = headers.get("x-dw-client-id")
    if named:
        return named
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    if query.get("client_id"):
        return query["client_id"]
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return _issuer(token) if scheme.lower() == "bearer" else None


def _issuer(token: str) -> str | None:
    """The `iss` of a JWT, unverified: the client only picks the list of origins; the
    operation verifies the token itself."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):
        return None
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    return issuer if isinstance(issuer, str) else None


# Inside SFCC's edge, so that a host-mapped path is found as the site's.
CORS = Cors(
    allowed_origin,
    lambda operation: True,
    exposed=("Authorization",),
    preflight_status=204,
    refuse=unauthorized_origin,
    inside_edge=True,
)
