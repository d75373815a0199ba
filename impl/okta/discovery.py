"""The discovery documents of Okta's authorization servers (OpenID Connect Discovery 1.0 and
RFC 8414), with the members and values Okta's OIDC API reference lists for each kind."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..core.kit.runtime import runtime_of
from ..core.web.bodies import respond
from ..core.web.operations import request
from .authorization_servers import ORG_SCOPES, SYSTEM_SCOPES, AuthorizationServers
from .views import org_url

RESPONSE_MODES = ["query", "fragment", "form_post", "okta_post_message"]
# Okta lists these on every endpoint that authenticates a client (client_secret_jwt is
# listed as Okta lists it, and not served).
CLIENT_AUTH_METHODS = [
    "client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none",
]  # fmt: skip
# The org server's fixed claims, as the reference lists them.
ID_TOKEN_CLAIMS = [
    "iss", "ver", "sub", "aud", "iat", "exp", "jti", "auth_time", "amr", "idp", "nonce",
    "name", "nickname", "preferred_username", "given_name", "middle_name", "family_name",
    "email", "email_verified", "profile", "zoneinfo", "locale", "address", "phone_number",
    "picture", "website", "gender", "birthdate", "updated_at", "at_hash", "c_hash",
]  # fmt: skip
ACCESS_TOKEN_CLAIMS = ["ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub"]


async def get_well_known_open_i_d_configuration(client_id: str | None = None) -> Response:
    return respond(_org(org_url(request.scope)), 200)


async def get_well_known_open_i_d_configuration_org_a_s(client_id: str | None = None) -> Response:
    return respond(_org(org_url(request.scope)), 200)


async def get_well_known_open_i_d_configuration_custom_a_s(
    authServerId: str, client_id: str | None = None
) -> Response:
    return respond(await _custom(authServerId, openid=True), 200)


async def get_well_known_o_auth_configuration_custom_a_s(
    authServerId: str, client_id: str | None = None
) -> Response:
    return respond(await _custom(authServerId, openid=False), 200)


def _org(org: str) -> dict[str, Any]:
    """The org authorization server's: the org is its issuer, `/oauth2/v1` its endpoints."""
    return _document(
        org,
        f"{org}/oauth2/v1",
        org,
        response_types=[
            "code",
            "code id_token",
            "code token",
            "code id_token token",
            "id_token",
            "id_token token",
        ],
        grant_types=["authorization_code", "implicit", "refresh_token", "password"],
        scopes=list(ORG_SCOPES),
        claims=ID_TOKEN_CLAIMS,
    )


async def _custom(server_id: str, openid: bool) -> dict[str, Any]:
    """A custom server's: its issuer is `<org>/oauth2/<id>`, its endpoints under it; the
    scopes published to all clients after the system scopes. The OAuth document leaves
    out what only OpenID Connect has."""
    server = await AuthorizationServers(runtime_of(request).store).active(server_id)
    org = org_url(request.scope)
    issuer = f"{org}/oauth2/{server['id']}"
    published = [s["name"] for s in server["scopes"] if s["metadataPublish"] == "ALL_CLIENTS"]
    document = _document(
        issuer,
        f"{issuer}/v1",
        org,
        response_types=[
            "code",
            "token",
            "id_token",
            "code id_token",
            "code token",
            "id_token token",
            "code id_token token",
        ],
        grant_types=[
            "authorization_code",
            "implicit",
            "refresh_token",
            "password",
            "client_credentials",
        ],
        scopes=[*SYSTEM_SCOPES, *published],
        claims=ID_TOKEN_CLAIMS if openid else ACCESS_TOKEN_CLAIMS,
    )
    if not openid:
        del document["userinfo_endpoint"], document["id_token_signing_alg_values_supported"]
    return document


def _document(
    issuer: str,
    base: str,
    org: str,
    *,
    response_types: list[str],
    grant_types: list[str],
    scopes: list[str],
    claims: list[str],
) -> dict[str, Any]:
    """The members in the order of Okta's examples."""
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/userinfo",
        "registration_endpoint": f"{org}/oauth2/v1/clients",
        "jwks_uri": f"{base}/keys",
        "response_types_supported": response_types,
        "response_modes_supported": RESPONSE_MODES,
        "grant_types_supported": grant_types,
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": scopes,
        "token_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "claims_supported": claims,
        "code_challenge_methods_supported": ["S256"],
        "introspection_endpoint": f"{base}/introspect",
        "introspection_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "revocation_endpoint": f"{base}/revoke",
        "revocation_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
        "end_session_endpoint": f"{base}/logout",
        "request_parameter_supported": True,
        "request_object_signing_alg_values_supported": ["HS256", "HS384", "HS512"],
    }
