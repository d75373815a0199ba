"""The token endpoint of Okta's custom authorization servers: the client_credentials grant
of service apps, access tokens with the claims Okta mints, errors in OAuth's format."""

from __future__ import annotations

import secrets
from typing import Any

from connexion import request
from starlette.responses import Response

from ..core.kit.credentials import basic_credentials, matches
from ..core.kit.runtime import runtime_of
from ..core.web.bodies import json_response
from ..generated.dicts import okta as shapes
from ..generated.okta import TokenRequest
from .authorization_servers import ACTIVE, ALL_CLIENTS, NONE, Applications, AuthorizationServers
from .errors import (
    AccessDenied,
    InvalidClient,
    InvalidScope,
    OAuthError,
    UnauthorizedClient,
    UnsupportedGrantType,
)
from .signing import signer
from .views import org_url

CLIENT_CREDENTIALS = "client_credentials"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# Okta's wordings (its answers as users have quoted them).
BAD_CLIENT = (
    "Client authentication failed. Either the client or the client credentials are invalid."
)
NO_DEFAULT_SCOPES = (
    "The authorization server resource does not have any configured default scopes, "
    "'scope' must be provided."
)
UNKNOWN_SCOPE = "One or more scopes are not configured for the authorization server resource."
NO_RULE = "Policy evaluation failed for this request, please check the policy configurations."
UNSUPPORTED = "The authorization grant type is not supported by the authorization server."
TWO_CREDENTIALS = (
    "Cannot supply multiple client credentials. Use one of the following: credentials in "
    "the Authorization header, credentials in the post body, or a client_assertion in the "
    "post body."
)
# Claims Okta sets itself, which no custom claim may replace.
RESERVED = {"ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub"}


async def token_custom_a_s(authServerId: str, body: TokenRequest) -> Response:
    store = runtime_of(request).store
    server = await AuthorizationServers(store).active(authServerId)
    application = await _client(Applications(store), body)
    grant = body.grant_type
    if not grant:
        raise OAuthError("The grant_type parameter is required.")  # wording inferred
    if grant != CLIENT_CREDENTIALS:
        raise UnsupportedGrantType(UNSUPPORTED)
    if grant not in application["grant_types"]:
        configured = ", ".join(application["grant_types"])
        raise UnauthorizedClient(
            "The client is not authorized to use the provided grant type. "
            f"Configured grant types: [{configured}]."
        )
    scopes = _scopes(server, body.scope)
    rule = _rule(server, application["client_id"], grant, scopes)
    lifetime = rule["accessTokenLifetimeMinutes"] * 60
    token = await _access_token(server, application["client_id"], scopes, lifetime)
    answer: shapes.TokenResponse = {
        "token_type": "Bearer",
        "expires_in": lifetime,
        "access_token": token,
        "scope": " ".join(scopes),
    }
    return json_response(answer, 200, NO_STORE)


async def _client(applications: Applications, body: TokenRequest) -> dict[str, Any]:
    """The ACTIVE application that authenticated as registered: client_secret_basic with
    the Authorization header, client_secret_post with the body's secret."""
    try:
        basic = basic_credentials(request.headers.get("Authorization"))
    except ValueError:
        raise InvalidClient(BAD_CLIENT) from None
    if basic is not None and (body.client_secret is not None or body.client_assertion):
        raise OAuthError(TWO_CREDENTIALS)
    secret: str | None
    if basic is not None:
        (client_id, secret), method = basic, "client_secret_basic"
    elif body.client_id:
        client_id, secret = body.client_id, body.client_secret
        method = NONE if secret is None else "client_secret_post"
    else:
        raise InvalidClient(BAD_CLIENT)
    application = await applications.get(client_id)
    if (
        application is None
        or application["status"] != ACTIVE
        or application["token_endpoint_auth_method"] != method
        or (secret is not None and not matches(secret, application["client_secret_digest"]))
    ):
        raise InvalidClient(BAD_CLIENT)
    return application


def _scopes(server: dict[str, Any], asked: str | None) -> list[str]:
    """The scopes asked for, all of them the server's custom scopes; its default scopes
    when none is asked for."""
    custom = [scope["name"] for scope in server["scopes"]]
    if not asked or not asked.split():
        defaults = [scope["name"] for scope in server["scopes"] if scope["default"]]
        if not defaults:
            raise InvalidScope(NO_DEFAULT_SCOPES)
        return defaults
    scopes = list(dict.fromkeys(asked.split()))
    if any(scope not in custom for scope in scopes):
        raise InvalidScope(UNKNOWN_SCOPE)
    return scopes


def _rule(server: dict[str, Any], client_id: str, grant: str, scopes: list[str]) -> dict:
    """The first rule, of the policies for this client in priority order, that allows the
    grant and every scope."""
    for policy in server["policies"]:
        if ALL_CLIENTS not in policy["clients"] and client_id not in policy["clients"]:
            continue
        for rule in policy["rules"]:
            allowed = "*" in rule["scopes"] or set(scopes) <= set(rule["scopes"])
            if grant in rule["grantTypes"] and allowed:
                return rule
    raise AccessDenied(NO_RULE)


async def _access_token(
    server: dict[str, Any], client_id: str, scopes: list[str], lifetime: int
) -> str:
    """Okta's access token: its claims in Okta's order, then the server's RESOURCE claims
    that apply to these scopes."""
    issuer = f"{org_url(request.scope)}/oauth2/{server['id']}"
    claims: dict[str, Any] = {
        "ver": 1,
        "jti": "AT." + secrets.token_urlsafe(32),
        "iss": issuer,
        "aud": server["audiences"][0],
        "iat": 0,  # set by the signer, in place
        "exp": 0,
        "cid": client_id,
        "scp": scopes,
        "sub": client_id,
    }
    for claim in server["claims"]:
        applies = not claim["scopes"] or set(claim["scopes"]) & set(scopes)
        if claim["claimType"] == "RESOURCE" and claim["name"] not in RESERVED and applies:
            claims[claim["name"]] = claim["value"]
    jwt = await signer(runtime_of(request), server["id"])
    return await jwt.sign(claims, lifetime)
