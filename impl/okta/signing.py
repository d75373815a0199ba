"""The signing keys of Okta's authorization servers: each server (the org's and every custom
one) signs with RS256 keys of its own, published at its `keys` endpoint with their kid, and
rotated by the admin action `okta/rotate-keys`."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..core.kit.errors import InvalidInput
from ..core.kit.runtime import Runtime, runtime_of
from ..core.kit.tokens import Jwt
from ..core.web.bodies import respond
from ..core.web.operations import request
from .authorization_servers import ORG, AuthorizationServers
from .state import NAMESPACE

# The longest a token of the org server lives: Okta's fixed hour (ID and access tokens).
ORG_TOKEN_SECONDS = 3600


async def signer(runtime: Runtime, server_id: str | None) -> Jwt:
    """The Jwt of the org server (None) or of an ACTIVE custom server (else NotFound), one
    per process and seed: its keys outlive the tokens of its longest access policy rule."""
    lifetime = ORG_TOKEN_SECONDS
    if server_id is not None:
        server = await AuthorizationServers(runtime.store).active(server_id)
        lifetime = max([lifetime, *(_lifetimes(server))])
    name = server_id or ORG  # the key namespace

    async def build() -> Jwt:
        # Okta's iss is the server's URL (from the request) and its jti `AT.`...: the
        # caller's claims give both.
        namespace = f"{NAMESPACE}:{name}"
        return Jwt(runtime.store, namespace, "RS256", lifetime, jti=False, own_iss=False)

    return await runtime.cached(f"{NAMESPACE}:jwt:{name}", build)


async def server_signer(runtime: Runtime, server: dict[str, Any]) -> Jwt:
    """The Jwt of a server record (the org server's too)."""
    return await signer(runtime, None if server["id"] == ORG else server["id"])


def _lifetimes(server: dict[str, Any]) -> list[int]:
    rules = (rule for policy in server["policies"] for rule in policy["rules"])
    return [rule["accessTokenLifetimeMinutes"] * 60 for rule in rules]


async def oauth_keys(client_id: str | None = None) -> Response:
    return await _keys(None)


async def oauth_keys_custom_a_s(authServerId: str, client_id: str | None = None) -> Response:
    return await _keys(authServerId)


async def _keys(server_id: str | None) -> Response:
    return respond(await (await signer(runtime_of(request), server_id)).jwks(), 200)


async def rotate_keys(runtime: Runtime, body: dict) -> dict:
    """The admin action `okta/rotate-keys`: `{"authServerId": "<id>"}` rotates a custom
    server's keys, `{}` the org server's; tokens the earlier keys signed verify until they
    expire, and the keys endpoint lists those keys until then."""
    server_id = body.get("authServerId")
    if server_id is not None and not isinstance(server_id, str):
        raise InvalidInput("authServerId: a string, or absent for the org server")
    kid = await (await signer(runtime, server_id)).rotate()
    return {"authServerId": server_id, "kid": kid}
