"""IdentityServer's token endpoint (password and refresh_token grants) and its JWKS.

A password grant starts a sign-in (its `sid`, carried by every access token refreshed
from it): the Storefront API keys the signed-in session by it, and a sign-out ends the
sid's refresh tokens."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import Response

from ..core.kit.credentials import basic_credentials
from ..core.kit.errors import AccountInactive
from ..core.kit.runtime import Runtime, runtime_of
from ..core.kit.store import Store
from ..core.kit.tokens import opaque_id
from ..core.web.bodies import json_response
from ..core.web.oauth_errors import InvalidClient, InvalidGrant, OAuthError, UnsupportedGrantType
from ..core.web.operations import request
from ..generated.dicts import optimizely as shapes
from ..generated.optimizely import TokenRequest
from .context import root_of
from .state import NAMESPACE, Optimizely, optimizely

SCOPES = {"iscapi", "offline_access"}
DEFAULT_SCOPE = "iscapi offline_access"


async def create_token(body: TokenRequest) -> Response:
    runtime = runtime_of(request)
    state = await optimizely(runtime)
    client_id = _client(state, body)
    grant_type = body.grant_type
    if grant_type == "password":
        user_id, scope = await _password(state, body)
        sid = opaque_id(32)
    elif grant_type == "refresh_token":
        user_id, scope, sid = await _refresh(state, runtime.store, body, client_id)
    elif not grant_type:
        raise OAuthError("grant_type is missing")
    else:
        raise UnsupportedGrantType(f"grant type {grant_type!r} is not supported")
    tokens = await issue_tokens(state, user_id, client_id, scope, sid)
    return json_response(tokens, 200, {"Cache-Control": "no-store"})


async def issue_tokens(
    state: Optimizely, user_id: str, client_id: str, scope: str, sid: str
) -> shapes.TokenResponse:
    """An access token and a refresh token of the sign-in `sid`, as the endpoint answers."""
    lifetime = state.settings.access_token_seconds
    claims = {"sub": user_id, "client_id": client_id, "scope": scope.split(), "sid": sid}
    access = await state.jwt.sign(claims, lifetime)
    data = {"user_id": user_id, "scope": scope, "client_id": client_id, "sid": sid}
    refresh, _ = await state.refresh_tokens.issue(data, state.settings.refresh_token_seconds)
    return {
        "access_token": access,
        "refresh_token": refresh,
        "expires_in": lifetime,
        "token_type": "Bearer",
    }


def _signed_out_key(sid: str) -> str:
    return f"{NAMESPACE}:signed-out:{sid}"


async def end_sign_in(state: Optimizely, store: Store, sid: str) -> None:
    """No refresh token of the sign-in works any more (each is single use; the marker
    outlives the longest of them)."""
    await store.put(_signed_out_key(sid), True, ttl=state.settings.refresh_token_seconds)


async def rotate_keys(runtime: Runtime, _body: dict) -> dict:
    """The admin action `optimizely/rotate-keys`: a new signing key; tokens the earlier
    keys signed verify until they expire."""
    return {"kid": await (await optimizely(runtime)).jwt.rotate()}


# IdentityServer3's own sign-in cookie, which endsession ends (its name is the product's
# default; the storefront's API sessions are not its).
SIGNED_OUT_PAGE = (
    "<!DOCTYPE html><html><head><title>Logged out</title></head>"
    "<body><h1>Logout</h1><p>You are now logged out.</p></body></html>"
)


async def end_session(
    id_token_hint: str | None = None,
    post_logout_redirect_uri: str | None = None,
    state: str | None = None,
) -> Response:
    """IdentityServer's endsession: its sign-in cookie ends, its signed-out page answers.
    No redirect URI is registered, so none is followed; tokens and the Storefront API's
    sessions live on."""
    path = urlsplit(root_of(request)).path + "/identity"
    cleared = f"idsrv=; expires=Thu, 01-Jan-1970 00:00:00 GMT; path={path}; HttpOnly"
    response = Response(SIGNED_OUT_PAGE, 200, media_type="text/html")
    response.headers.append("Set-Cookie", cleared)
    return response


async def get_jwks() -> Response:
    state = await optimizely(runtime_of(request))
    jwks: shapes.Jwks = await state.jwt.jwks()
    return json_response(jwks, 200)


def _client(state: Optimizely, body: TokenRequest) -> str:
    """The authenticated client's id: Basic auth, else client_id/client_secret form fields."""
    try:
        credentials = basic_credentials(request.headers.get("authorization"))
    except ValueError as error:
        raise InvalidClient(str(error)) from None
    if credentials is None:
        credentials = body.client_id or "", body.client_secret or ""
    client_id, secret = credentials
    if not state.client_ok(client_id, secret):
        raise InvalidClient("unknown client or wrong secret")
    return client_id


async def _password(state: Optimizely, body: TokenRequest) -> tuple[str, str]:
    username = body.username
    password = body.password.get_secret_value() if body.password else ""
    if not username or not password:
        raise OAuthError("username and password are required")
    scope = body.scope or DEFAULT_SCOPE
    if not set(scope.split()) <= SCOPES:
        raise OAuthError("invalid scope")
    try:
        user = await state.identities.authenticate(username.lower(), password)
    except AccountInactive:
        # IdentityServer checks the password and the lockout (AspNetUsers); a deactivated or
        # not activated account (UserProfile) is the Storefront API's to refuse, at sign-in.
        found = await state.identities.by_login(username.lower())
        assert found is not None  # authenticate found it, and its password right
        user = found
    return user.id, scope


async def _refresh(
    state: Optimizely, store: Store, body: TokenRequest, client_id: str
) -> tuple[str, str, str]:
    token = body.refresh_token
    if not token:
        raise OAuthError("refresh_token is missing")
    grant = await state.refresh_tokens.redeem(token)
    if grant is None or grant["client_id"] != client_id:
        raise InvalidGrant("invalid refresh token")
    if await store.get(_signed_out_key(grant["sid"])):
        raise InvalidGrant("the sign-in this refresh token belongs to has ended")
    user = await state.identities.by_id(grant["user_id"])
    if user is None:
        raise InvalidGrant("invalid refresh token")
    await state.identities.ensure_may_sign_in(user)
    return user.id, grant["scope"], grant["sid"]
