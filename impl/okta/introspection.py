"""What Okta's authorization servers answer about the tokens they issued: `userinfo` (the
user's claims for a bearer access token of the openid scope), `introspect` (RFC 7662:
active or not, with Okta's members) and `revoke` (RFC 7009: an access token alone, a
refresh token with its whole family), on the org server and on custom ones.

A token is live while its signature (a JWT: the server's keys), its expiry (the emulated
clock) and its record (issued.py: not revoked) all say so."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..core.kit.errors import AuthenticationFailed
from ..core.kit.runtime import Runtime, runtime_of
from ..core.web.bodies import json_response, respond
from ..core.web.oauth_errors import NO_STORE, InsufficientScope, InvalidToken
from ..core.web.operations import request
from ..generated.okta import IntrospectRequest, RevokeRequest
from .authorization_servers import AuthorizationServers, audience_of, endpoint_of, issuer_of
from .clients import authenticated_client
from .fixtures import DEFAULT_PROFILE as DEFAULTS
from .issuance import OPENID, display_name, email_of
from .issued import ACCESS, REFRESH, Issued, IssuedTokens
from .signing import server_signer
from .state import okta
from .views import org_url

# Okta's wordings (the OIDC reference's).
INVALID_ACCESS_TOKEN = "The access token is invalid."
NO_USERINFO_SCOPE = (
    "The access token must provide access to at least one of these scopes - profile, email, "
    "address or phone"
)


async def userinfo() -> Response:
    return await _userinfo(None)


async def userinfo_custom_a_s(authServerId: str) -> Response:
    return await _userinfo(authServerId)


async def introspect(body: IntrospectRequest) -> Response:
    return await _introspect(None, body)


async def introspect_custom_a_s(authServerId: str, body: IntrospectRequest) -> Response:
    return await _introspect(authServerId, body)


async def revoke(body: RevokeRequest) -> Response:
    return await _revoke(None, body)


async def revoke_custom_a_s(authServerId: str, body: RevokeRequest) -> Response:
    return await _revoke(authServerId, body)


class Served:
    """The server a request is for, with its org URL and the URLs of its endpoints."""

    def __init__(self, runtime: Runtime, server: dict[str, Any], org: str) -> None:
        self.runtime = runtime
        self.server = server
        self.org = org
        self.issuer = issuer_of(org, server)

    @classmethod
    async def of(cls, server_id: str | None) -> Served:
        runtime = runtime_of(request)
        server = await AuthorizationServers(runtime.store).serving(server_id)
        return cls(runtime, server, org_url(request.scope))

    def endpoint(self, name: str) -> str:
        return endpoint_of(self.org, self.server, name)

    async def live_jwt(self, token: str) -> tuple[dict[str, Any], Issued] | None:
        """The claims and record of a live token this server signed, else None."""
        import jwt

        signer = await server_signer(self.runtime, self.server)
        try:
            # pyjwt checks aud against what it is told: the token's own, judged below.
            audience = jwt.decode(token, options={"verify_signature": False}).get("aud")
            claims = await signer.verify(token, audience if isinstance(audience, str) else None)
        except (jwt.InvalidTokenError, AuthenticationFailed):  # bad signature, kid, expired
            return None
        jti = claims.get("jti")
        if claims["iss"] != self.issuer or not isinstance(jti, str):
            return None
        record = await IssuedTokens(self.runtime.store).get(jti)
        if record is None or record.revoked:
            return None
        expected = audience_of(self.org, self.server) if record.kind == ACCESS else record.client_id
        return (claims, record) if audience == expected else None

    async def live_refresh(self, token: str) -> Issued | None:
        record = await IssuedTokens(self.runtime.store).refresh(token)
        if record is None or record.revoked or record.server != self.server["id"]:
            return None
        return None if record.rotated_at is not None else record


async def _userinfo(server_id: str | None) -> Response:
    """The claims of the bearer token's user, by its scopes, in Okta's order."""
    served = await Served.of(server_id)
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    found = await served.live_jwt(token.strip()) if scheme.lower() == "bearer" else None
    if found is None or found[1].kind != ACCESS or found[1].user_id is None:
        raise InvalidToken(INVALID_ACCESS_TOKEN)
    scopes = found[1].scopes
    if OPENID not in scopes:
        raise InsufficientScope(NO_USERINFO_SCOPE)
    user = await (await okta(served.runtime)).identities.by_id(found[1].user_id)
    if user is None:
        raise InvalidToken(INVALID_ACCESS_TOKEN)
    claims: dict[str, Any] = {"sub": user.id}
    profile = user.profile
    if "profile" in scopes:
        claims.update(name=display_name(user), locale=profile.get("locale", DEFAULTS["locale"]))
    if "email" in scopes:
        claims["email"] = email_of(user)
    if "profile" in scopes:
        claims["preferred_username"] = user.login
        names = {"given_name": "firstName", "family_name": "lastName"}
        claims.update((claim, profile[name]) for claim, name in names.items() if name in profile)
        claims["zoneinfo"] = profile.get("timeZone", DEFAULTS["timeZone"])
        claims["updated_at"] = int(user.attributes.get("last_updated", user.password_set_at or 0))
    if "email" in scopes:
        claims["email_verified"] = True
    return json_response(claims, 200, NO_STORE)


async def _introspect(server_id: str | None, body: IntrospectRequest) -> Response:
    """`{"active": false}` for a token unknown, expired, revoked or another server's (or a
    refresh token of another client); else Okta's members."""
    served = await Served.of(server_id)
    client = await authenticated_client(served.runtime, body, served.endpoint("introspect"))
    answer = await _inspected(served, body.token, client["client_id"])
    return json_response(answer or {"active": False}, 200, NO_STORE)


async def _inspected(served: Served, token: str, client_id: str) -> dict[str, Any] | None:
    found = await served.live_jwt(token)
    if found is not None:
        claims, record = found
        return _members(record, claims["aud"], served.issuer, claims["exp"], claims["iat"])
    refresh = await served.live_refresh(token)
    if refresh is None or refresh.client_id != client_id:
        return None
    audience = audience_of(served.org, served.server)
    return _members(refresh, audience, served.issuer, refresh.expires_at, refresh.issued_at)


def _members(
    record: Issued, audience: str, issuer: str, exp: float | None, iat: float
) -> dict[str, Any]:
    """Okta's introspection members in its order; those a token has not (a client's token
    has no username or uid, a refresh token without end no exp) left out."""
    members: dict[str, Any] = {
        "active": True,
        "scope": " ".join(record.scopes),
        "username": record.login,
        "exp": None if exp is None else int(exp),
        "iat": int(iat),
        "sub": record.user_id if record.kind == "id_token" else record.login or record.client_id,
        "aud": audience if record.kind != "id_token" else record.client_id,
        "iss": issuer,
        "jti": record.id,
        "token_type": "Bearer",
        "client_id": record.client_id,
        "uid": record.user_id,
    }
    return {name: value for name, value in members.items() if value is not None}


async def _revoke(server_id: str | None, body: RevokeRequest) -> Response:
    """200 and an empty body whatever the token (RFC 7009 2.2: an unknown, expired or
    already revoked token too); a token of another client is left alone (inferred)."""
    served = await Served.of(server_id)
    client = await authenticated_client(served.runtime, body, served.endpoint("revoke"))
    issued = IssuedTokens(served.runtime.store)
    record = await issued.refresh(body.token)
    if record is None or record.server != served.server["id"]:
        found = await served.live_jwt(body.token)
        record = None if found is None else found[1]
    if record is not None and record.client_id == client["client_id"]:
        if record.kind == REFRESH:
            await issued.revoke_family(record.family or record.id)
        elif record.kind == ACCESS:
            await issued.revoke(record)
    return respond(None, 200, NO_STORE)
