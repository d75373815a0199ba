"""The token endpoint of Okta's custom authorization servers: the client_credentials grant
of service apps, access tokens with the claims Okta mints, errors in OAuth's format."""

from __future__ import annotations

from typing import Any

from connexion import request
from starlette.responses import Response

from ..core.kit.credentials import basic_credentials, matches
from ..core.kit.runtime import runtime_of
from ..core.web.bodies import json_response
from ..generated.okta import TokenRequest
from .authorization_servers import ACTIVE, NONE, Applications, AuthorizationServers
from .codes import AUTHORIZATION_CODE, redeem
from .errors import InvalidClient, OAuthError, UnauthorizedClient, UnsupportedGrantType
from .issuance import CLIENT_CREDENTIALS, Grant, granted_scopes, issue, policy_rule
from .views import org_url

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# Okta's wordings (its answers as users have quoted them).
BAD_CLIENT = (
    "Client authentication failed. Either the client or the client credentials are invalid."
)
UNSUPPORTED = "The authorization grant type is not supported by the authorization server."
TWO_CREDENTIALS = (
    "Cannot supply multiple client credentials. Use one of the following: credentials in "
    "the Authorization header, credentials in the post body, or a client_assertion in the "
    "post body."
)


async def token_custom_a_s(authServerId: str, body: TokenRequest) -> Response:
    runtime = runtime_of(request)
    server = await AuthorizationServers(runtime.store).active(authServerId)
    application = await _client(Applications(runtime.store), body)
    grant_type = body.grant_type
    if not grant_type:
        raise OAuthError("The grant_type parameter is required.")  # wording inferred
    if grant_type not in (CLIENT_CREDENTIALS, AUTHORIZATION_CODE):
        raise UnsupportedGrantType(UNSUPPORTED)
    if grant_type not in application["grant_types"]:
        configured = ", ".join(application["grant_types"])
        raise UnauthorizedClient(
            "The client is not authorized to use the provided grant type. "
            f"Configured grant types: [{configured}]."
        )
    if grant_type == AUTHORIZATION_CODE:
        answer = await redeem(runtime, server, application, body, org_url(request.scope))
        return json_response(answer, 200, NO_STORE)
    scopes = granted_scopes(server, body.scope, grant_type)
    policy_rule(server, application["client_id"], grant_type, scopes)
    org = org_url(request.scope)
    grant = Grant(server, application, None, scopes, grant_type, org)
    answer = await issue(runtime, grant, id_token=False, refresh=False)
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
