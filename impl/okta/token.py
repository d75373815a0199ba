"""The token endpoint of Okta's authorization servers (the org's, `/oauth2/v1/token`, and
custom ones): the grants client_credentials, password (the resource owner's) and
refresh_token (with rotation and reuse detection), for clients authenticated as
clients.py says; the tokens minted by issuance.py; errors in OAuth's format.

The authorization_code grant is served by authorize's module, on the same issuance."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import Response

from ..core.kit.errors import AccountInactive, AccountLocked, AuthenticationFailed
from ..core.kit.runtime import Runtime, runtime_of
from ..core.web.bodies import json_response
from ..core.web.oauth_errors import (
    NO_STORE,
    InvalidGrant,
    InvalidScope,
    OAuthError,
    UnauthorizedClient,
    UnsupportedGrantType,
)
from ..core.web.operations import request
from ..generated.okta import TokenRequest
from .authorization_servers import ROTATE, AuthorizationServers, endpoint_of
from .clients import authenticated_client
from .codes import AUTHORIZATION_CODE, redeem
from .issuance import (
    CLIENT_CREDENTIALS,
    REFRESH_GRANT,
    Grant,
    granted_scopes,
    issue,
    policy_rule,
    refresh_expiry,
)
from .issued import Issued, IssuedTokens
from .state import last_login_key, okta
from .views import org_url

PASSWORD = "password"
# Okta's wordings (its answers as users have quoted them; the missing parameters' inferred).
UNSUPPORTED = "The authorization grant type is not supported by the authorization server."
BAD_CREDENTIALS = "The credentials provided were invalid."
BAD_REFRESH = "The refresh token is invalid or expired."
MORE_SCOPES = "The requested scopes are not a subset of the scopes originally granted."


async def token(body: TokenRequest) -> Response:
    return await _token(None, body)


async def token_custom_a_s(authServerId: str, body: TokenRequest) -> Response:
    return await _token(authServerId, body)


async def _token(server_id: str | None, body: TokenRequest) -> Response:
    runtime = runtime_of(request)
    server = await AuthorizationServers(runtime.store).serving(server_id)
    org = org_url(request.scope)
    endpoint = endpoint_of(org, server, "token")
    application = await authenticated_client(runtime, body, endpoint)
    grant_type = body.grant_type
    if not grant_type:
        raise OAuthError("The grant_type parameter is required.")  # wording inferred
    if grant_type not in GRANTS:
        raise UnsupportedGrantType(UNSUPPORTED)
    if grant_type not in application["grant_types"]:
        configured = ", ".join(application["grant_types"])
        raise UnauthorizedClient(
            "The client is not authorized to use the provided grant type. "
            f"Configured grant types: [{configured}]."
        )
    answer = await GRANTS[grant_type](runtime, server, application, body, org)
    return json_response(answer, 200, NO_STORE)


async def _client_credentials(
    runtime: Runtime, server: dict, application: dict, body: TokenRequest, org: str
) -> dict:
    scopes = granted_scopes(server, body.scope, CLIENT_CREDENTIALS)
    policy_rule(server, application["client_id"], CLIENT_CREDENTIALS, scopes)
    grant = Grant(server, application, None, scopes, CLIENT_CREDENTIALS, org)
    return dict(await issue(runtime, grant, id_token=False, refresh=False))


async def _password(
    runtime: Runtime, server: dict, application: dict, body: TokenRequest, org: str
) -> dict:
    """The resource owner's password, checked as authn checks it (a failure counts towards
    the lockout; a locked-out or inactive user fails alike): no Okta session is made."""
    if not body.username or body.password is None:
        raise OAuthError("The 'username' and 'password' parameters are required.")
    scopes = granted_scopes(server, body.scope, PASSWORD)
    policy_rule(server, application["client_id"], PASSWORD, scopes)
    state = await okta(runtime)
    try:
        user = await state.identities.authenticate(body.username, body.password)
    except (AuthenticationFailed, AccountLocked, AccountInactive):
        raise InvalidGrant(BAD_CREDENTIALS) from None
    now = int(await runtime.store.now())
    await runtime.store.put(last_login_key(user.id), now)
    grant = Grant(server, application, user, scopes, PASSWORD, org, auth_time=now)
    return dict(
        await issue(runtime, grant, id_token=grant.wants_id_token, refresh=grant.wants_refresh)
    )


async def _refresh(
    runtime: Runtime, server: dict, application: dict, body: TokenRequest, org: str
) -> dict:
    """A live refresh token of this client and server, for its scopes or fewer. Rotated
    (ROTATE) it is replaced by a new one, and still honoured for the app's leeway; after
    that, presented again, it revokes its whole family (reuse detection). STATIC, it stays
    and its window starts again."""
    if not body.refresh_token:
        raise OAuthError("The 'refresh_token' parameter is required.")
    issued = IssuedTokens(runtime.store)
    record = await issued.refresh(body.refresh_token)
    if (
        record is None
        or record.revoked
        or record.client_id != application["client_id"]
        or record.server != server["id"]
    ):
        raise InvalidGrant(BAD_REFRESH)
    now = await runtime.store.now()
    settings = application["refresh_token"]
    if record.rotated_at is not None and now - record.rotated_at > settings["leeway"]:
        await issued.revoke_family(record.family or record.id)
        raise InvalidGrant(BAD_REFRESH)
    user = await (await okta(runtime)).identities.by_id(record.user_id or "")
    if user is None or user.status != "ACTIVE":
        raise InvalidGrant(BAD_REFRESH)
    scopes = _narrowed(record, body.scope)
    grant = Grant(
        server, application, user, scopes, record.grant_type, org,
        session_id=record.session_id, auth_time=record.auth_time, amr=tuple(record.amr or ()),
        family=record.family, family_ends_at=record.family_ends_at,
    )  # fmt: skip
    rule = policy_rule(server, application["client_id"], record.grant_type, scopes)
    openid = grant.wants_id_token
    if settings["rotation_type"] == ROTATE:
        if record.rotated_at is None:
            await issued.update(record, body.refresh_token, rotated_at=now)
        return dict(await issue(runtime, grant, id_token=openid, refresh=True))
    expires_at = refresh_expiry(rule, now, record.family_ends_at)
    await issued.update(record, body.refresh_token, expires_at=expires_at)
    answer = await issue(
        runtime, grant, id_token=openid, refresh=False, refresh_token=body.refresh_token
    )
    return dict(answer)


def _narrowed(record: Issued, asked: str | None) -> tuple[str, ...]:
    """The scopes of a refresh: those first granted, or fewer of them when asked."""
    if not asked or not asked.split():
        return tuple(record.scopes)
    scopes = tuple(dict.fromkeys(asked.split()))
    if not set(scopes) <= set(record.scopes):
        raise InvalidScope(MORE_SCOPES)
    return scopes


GRANTS: dict[str, Callable[[Runtime, dict, dict, TokenRequest, str], Awaitable[dict]]] = {
    AUTHORIZATION_CODE: redeem,
    CLIENT_CREDENTIALS: _client_credentials,
    PASSWORD: _password,
    REFRESH_GRANT: _refresh,
}
