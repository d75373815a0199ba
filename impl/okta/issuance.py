"""Okta's tokens, minted in one place for every grant of every authorization server.

The interface, for the token endpoint's grants and for `authorize`:

- `Grant`: what was granted. `server` is a server record (`AuthorizationServers.serving`,
  the org server's `org_server()` too), `application` the client's record, `user` the
  signed-in user (None for client_credentials), `scopes` as granted (`granted_scopes`),
  `grant_type` the grant that began it (a refresh keeps the first grant's), `org` the org
  URL (issuer and audience derive from it); for a user, the Okta session it runs on (or
  None), the `nonce` of the authorize request, `auth_time` and `amr` of the sign-in.
  `family` and `family_ends_at` carry a refresh family on: set by the refresh_token grant.
- `granted_scopes(server, asked, grant_type)`: the scopes a request gets, or InvalidScope.
- `policy_rule(server, client_id, grant_type, scopes)`: the access policy rule that allows
  the grant, or AccessDenied. `issue` evaluates it again; a caller checks it up front.
- `await mint_id_token(runtime, grant)`: an ID token alone (authorize's `id_token`).
- `await issue(runtime, grant, id_token=..., refresh=...)`: Okta's token response (members
  in Okta's order: token_type, expires_in, access_token, scope, refresh_token, id_token),
  every token recorded (issued.py) with its session, user and refresh family.
  `refresh_token` hands back an existing refresh token (STATIC rotation) instead of a new
  one. `grant.wants_id_token` and `grant.wants_refresh` say what Okta would add.

Access tokens carry ver, jti (`AT.`), iss, aud, iat, exp, cid, uid, scp, auth_time, sub
(the user's login, or the client id), then the server's RESOURCE claims for the scopes;
ID tokens sub (the user id), name and preferred_username (profile), email (email), ver,
iss, aud (the client id), iat, exp, jti (`ID.`), amr, idp, nonce, auth_time, at_hash
(beside an access token), then the IDENTITY claims. Refresh tokens are opaque, 43
characters, their lifetimes the rule's refreshTokenLifetimeMinutes (from the family's first
token) and refreshTokenWindowMinutes (unused). Times are the emulated clock's; the server's
current key signs (signing.py).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from ..core.kit.identities import User
from ..core.kit.runtime import Runtime
from ..core.kit.tokens import ALPHANUMERIC, opaque_id
from ..core.web.oauth_errors import AccessDenied, InvalidScope
from ..generated.dicts import okta as shapes
from .authorization_servers import ALL_CLIENTS, ORG, audience_of, issuer_of, system_scopes
from .issued import ACCESS, ID, REFRESH, Issued, IssuedTokens
from .signing import server_signer
from .state import okta

CLIENT_CREDENTIALS = "client_credentials"
REFRESH_GRANT = "refresh_token"
OFFLINE = "offline_access"
OPENID = "openid"
ID_TOKEN_SECONDS = 3600  # Okta's ID tokens live an hour, on every server
ORG_ACCESS_SECONDS = 3600  # and the org server's access tokens too
# Claims Okta sets itself, which no custom claim may replace.
RESERVED = {
    "ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub", "auth_time",
    "amr", "idp", "nonce", "at_hash", "name", "email", "preferred_username",
}  # fmt: skip
# Okta's wordings (its answers as users have quoted them).
NO_DEFAULT_SCOPES = (
    "The authorization server resource does not have any configured default scopes, "
    "'scope' must be provided."
)
UNKNOWN_SCOPE = "One or more scopes are not configured for the authorization server resource."
NO_RULE = "Policy evaluation failed for this request, please check the policy configurations."


@dataclass(frozen=True)
class Grant:
    server: dict[str, Any]
    application: dict[str, Any]
    user: User | None
    scopes: tuple[str, ...]
    grant_type: str
    org: str
    session_id: str | None = None
    nonce: str | None = None
    auth_time: int | None = None
    amr: tuple[str, ...] = ("pwd",)
    family: str | None = None  # the refresh family a refresh continues
    family_ends_at: float | None = None

    @property
    def client_id(self) -> str:
        return self.application["client_id"]

    @property
    def wants_id_token(self) -> bool:
        """An ID token goes with a user's grant of the openid scope."""
        return self.user is not None and OPENID in self.scopes

    @property
    def wants_refresh(self) -> bool:
        """A refresh token goes with offline_access, to an app allowed the refresh grant."""
        allowed = REFRESH_GRANT in self.application["grant_types"]
        return self.user is not None and OFFLINE in self.scopes and allowed


def granted_scopes(server: dict[str, Any], asked: str | None, grant_type: str) -> tuple[str, ...]:
    """The scopes asked for, each the server's (client_credentials: its custom scopes only,
    the org server's okta.* ones; a user's grant: its system scopes too); the server's
    default scopes when none is asked for."""
    custom = [scope["name"] for scope in server["scopes"]]
    if not asked or not asked.split():
        defaults = [scope["name"] for scope in server["scopes"] if scope["default"]]
        if not defaults:
            raise InvalidScope(NO_DEFAULT_SCOPES)
        return tuple(defaults)
    scopes = tuple(dict.fromkeys(asked.split()))
    if not all(_known(server, custom, scope, grant_type) for scope in scopes):
        raise InvalidScope(UNKNOWN_SCOPE)
    return scopes


def _known(server: dict[str, Any], custom: list[str], scope: str, grant_type: str) -> bool:
    if server["id"] == ORG and scope.startswith("okta."):
        return True  # the org server's management scopes (inferred: any okta.* name)
    return scope in custom or (grant_type != CLIENT_CREDENTIALS and scope in system_scopes(server))


def policy_rule(
    server: dict[str, Any], client_id: str, grant_type: str, scopes: tuple[str, ...]
) -> dict[str, Any]:
    """The first rule, of the policies for this client in priority order, that allows the
    grant and every scope."""
    for policy in server["policies"]:
        if ALL_CLIENTS not in policy["clients"] and client_id not in policy["clients"]:
            continue
        for rule in policy["rules"]:
            allowed = "*" in rule["scopes"] or set(scopes) <= set(rule["scopes"])
            if grant_type in rule["grantTypes"] and allowed:
                return rule
    raise AccessDenied(NO_RULE)


async def issue(
    runtime: Runtime,
    grant: Grant,
    *,
    id_token: bool,
    refresh: bool,
    refresh_token: str | None = None,
) -> shapes.TokenResponse:
    """The tokens of a grant, recorded, as Okta's token response."""
    rule = policy_rule(grant.server, grant.client_id, grant.grant_type, grant.scopes)
    lifetime = _access_lifetime(grant.server, rule)
    now = int(await runtime.store.now())
    family = grant.family or (_new_id("oar") if refresh or refresh_token else None)
    recorded = IssuedTokens(runtime.store)
    access, jti = await _access_token(runtime, grant, lifetime)
    base = _record(grant, now, family)
    await recorded.record(Issued(id=jti, kind=ACCESS, expires_at=now + lifetime, **base))
    answer: shapes.TokenResponse = {
        "token_type": "Bearer",
        "expires_in": lifetime,
        "access_token": access,
        "scope": " ".join(grant.scopes),
    }
    if refresh_token is not None:
        answer["refresh_token"] = refresh_token
    elif refresh:
        answer["refresh_token"] = await _refresh_token(recorded, grant, rule, now, base)
    if id_token:
        answer["id_token"] = await mint_id_token(runtime, grant, access, family=family)
    return answer


async def mint_id_token(
    runtime: Runtime, grant: Grant, access_token: str | None = None, family: str | None = None
) -> str:
    """An ID token of a user's grant, recorded; with at_hash when it goes beside an access
    token (authorize's `id_token` response alone has none)."""
    now = int(await runtime.store.now())
    access_hash = None if access_token is None else at_hash(access_token)
    token, jti = await _id_token(runtime, grant, access_hash)
    base = _record(grant, now, family or grant.family)
    record = Issued(id=jti, kind=ID, expires_at=now + ID_TOKEN_SECONDS, **base)
    await IssuedTokens(runtime.store).record(record)
    return token


def _access_lifetime(server: dict[str, Any], rule: dict[str, Any]) -> int:
    if server["id"] == ORG:
        return ORG_ACCESS_SECONDS  # the org server's are fixed
    return rule["accessTokenLifetimeMinutes"] * 60


def _record(grant: Grant, now: int, family: str | None) -> dict[str, Any]:
    """What every token of this grant records alike."""
    user = grant.user
    return {
        "server": grant.server["id"],
        "client_id": grant.client_id,
        "scopes": list(grant.scopes),
        "issued_at": now,
        "grant_type": grant.grant_type,
        "user_id": user.id if user else None,
        "login": user.login if user else None,
        "session_id": grant.session_id,
        "family": family,
        "auth_time": grant.auth_time,
        "amr": list(grant.amr) if user else None,
        "nonce": grant.nonce,
        "family_ends_at": grant.family_ends_at,
    }


async def _access_token(runtime: Runtime, grant: Grant, lifetime: int) -> tuple[str, str]:
    """Okta's access token and its jti: its claims in Okta's order, then the server's
    RESOURCE claims that apply to these scopes."""
    user = grant.user
    jti = "AT." + secrets.token_urlsafe(32)
    claims: dict[str, Any] = {
        "ver": 1,
        "jti": jti,
        "iss": issuer_of(grant.org, grant.server),
        "aud": audience_of(grant.org, grant.server),
        "iat": 0,  # set by the signer, in place
        "exp": 0,
        "cid": grant.client_id,
    }
    if user is not None:
        claims["uid"] = user.id
    claims["scp"] = list(grant.scopes)
    if user is not None and grant.auth_time is not None:
        claims["auth_time"] = grant.auth_time
    claims["sub"] = user.login if user is not None else grant.client_id
    claims.update(_custom_claims(grant, "RESOURCE"))
    jwt = await server_signer(runtime, grant.server)
    return await jwt.sign(claims, lifetime), jti


async def _id_token(runtime: Runtime, grant: Grant, access_hash: str | None) -> tuple[str, str]:
    """Okta's ID token and its jti: the user's claims by scope, in Okta's order."""
    user = grant.user
    if user is None:
        raise ValueError("an ID token speaks for a user")
    profile = OPENID in grant.scopes and "profile" in grant.scopes
    jti = "ID." + opaque_id(20, alphabet=ALPHANUMERIC)
    claims: dict[str, Any] = {"sub": user.id}
    if profile:
        claims["name"] = display_name(user)
    if "email" in grant.scopes:
        claims["email"] = email_of(user)
    claims.update(
        ver=1,
        iss=issuer_of(grant.org, grant.server),
        aud=grant.client_id,
        iat=0,
        exp=0,
        jti=jti,
        amr=list(grant.amr),
        idp=(await okta(runtime)).org_id,
    )
    if grant.nonce is not None:
        claims["nonce"] = grant.nonce
    if profile:
        claims["preferred_username"] = user.login
    if grant.auth_time is not None:
        claims["auth_time"] = grant.auth_time
    if access_hash is not None:
        claims["at_hash"] = access_hash
    claims.update(_custom_claims(grant, "IDENTITY"))
    jwt = await server_signer(runtime, grant.server)
    return await jwt.sign(claims, ID_TOKEN_SECONDS), jti


def _custom_claims(grant: Grant, kind: str) -> dict[str, Any]:
    """The server's claims of this kind that apply to the granted scopes."""
    scopes = set(grant.scopes)
    return {
        claim["name"]: claim["value"]
        for claim in grant.server["claims"]
        if claim["claimType"] == kind
        and claim["name"] not in RESERVED
        and (not claim["scopes"] or set(claim["scopes"]) & scopes)
    }


async def _refresh_token(
    recorded: IssuedTokens, grant: Grant, rule: dict[str, Any], now: int, base: dict[str, Any]
) -> str:
    """A new refresh token of the grant's family: it expires when unused for the rule's
    window, and at the latest at the family's end (refreshTokenLifetimeMinutes after its
    first token; never when 0)."""
    ends_at = grant.family_ends_at
    if grant.family is None and rule["refreshTokenLifetimeMinutes"]:
        ends_at = now + rule["refreshTokenLifetimeMinutes"] * 60
    token = secrets.token_urlsafe(32)
    expires_at = refresh_expiry(rule, now, ends_at)
    fields = {**base, "family_ends_at": ends_at}
    issued = Issued(id=_new_id("oar"), kind=REFRESH, expires_at=expires_at, **fields)
    await recorded.record(issued, token)
    return token


def refresh_expiry(rule: dict[str, Any], now: float, ends_at: float | None) -> float:
    """When a refresh token used (or made) now expires: after the rule's window unused,
    but never past its family's end."""
    window_end = now + rule["refreshTokenWindowMinutes"] * 60
    return window_end if ends_at is None else min(window_end, ends_at)


def at_hash(access_token: str) -> str:
    """OpenID Connect's at_hash for RS256: the left half of the token's SHA-256, base64url."""
    half = hashlib.sha256(access_token.encode("ascii")).digest()[:16]
    return base64.urlsafe_b64encode(half).rstrip(b"=").decode()


def display_name(user: User) -> str:
    """The profile's name (Okta's `name` claim): first and last name, else the login."""
    names = [user.profile.get("firstName"), user.profile.get("lastName")]
    return " ".join(name for name in names if name) or user.login


def email_of(user: User) -> str:
    return user.profile.get("email", user.login)


def _new_id(prefix: str) -> str:
    return opaque_id(17, prefix, alphabet=ALPHANUMERIC)
