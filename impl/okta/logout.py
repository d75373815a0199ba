"""`logout` of the org authorization server (`/oauth2/v1/logout`) and of custom ones
(`/oauth2/{authServerId}/v1/logout`): OpenID Connect RP-Initiated Logout as Okta serves it.

`id_token_hint` is an ID token this server issued (expired ones too, as RP-Initiated Logout
1.0 section 2 allows); it names the client. The browser's Okta session (its `sid` cookie) is
ended when it is the hint's user's, the cookie cleared, and the browser sent to the
`post_logout_redirect_uri`, one registered for the client exactly, with `state`; without
one, to the org. What cannot be trusted gets Okta's error page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from ..core.kit.errors import AuthenticationFailed, TokenExpired, TokenRevoked
from ..core.kit.runtime import Runtime, runtime_of
from ..core.web.operations import request
from .authorization_servers import ACTIVE, Applications, AuthorizationServers, issuer_of
from .cookies import SESSION_CLEARED
from .pages import error_page
from .sign_in import sid
from .signing import server_signer
from .state import okta
from .views import org_url

HINT_REQUIRED = "The 'id_token_hint' parameter is required."  # inferred
BAD_HINT = "The 'id_token_hint' parameter is not a valid ID token."  # inferred
BAD_REDIRECT = (
    "The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client "
    "app settings: {org}/admin/app/oidc_client/instance/{client_id}#tab-general"
)  # inferred, as the Login redirect URI's is worded


class _Refused(Exception):
    pass


async def logout(
    id_token_hint: str | None = None,
    post_logout_redirect_uri: str | None = None,
    state: str | None = None,
) -> Response:
    return await _logout(None, id_token_hint, post_logout_redirect_uri, state)


async def logout_custom_a_s(
    authServerId: str,
    id_token_hint: str | None = None,
    post_logout_redirect_uri: str | None = None,
    state: str | None = None,
) -> Response:
    return await _logout(authServerId, id_token_hint, post_logout_redirect_uri, state)


async def _logout(
    server_id: str | None, hint: str | None, redirect_uri: str | None, state: str | None
) -> Response:
    runtime = runtime_of(request)
    server = await AuthorizationServers(runtime.store).serving(server_id)
    org = org_url(request.scope)
    try:
        claims = await _hinted(runtime, server, org, hint)
        location = await _destination(runtime, org, claims["aud"], redirect_uri, state)
    except _Refused as refused:
        return error_page("invalid_request", str(refused))
    await _end_session(runtime, claims["sub"])
    response = Response(None, 302, headers={"Location": location})
    for cookie in (SESSION_CLEARED["sid"], SESSION_CLEARED["xids"]):
        response.raw_headers.append((b"set-cookie", cookie.encode("latin-1")))
    return response


async def _hinted(
    runtime: Runtime, server: dict[str, Any], org: str, hint: str | None
) -> dict[str, Any]:
    """The claims of an ID token this server signed, expired or not."""
    if not hint:
        raise _Refused(HINT_REQUIRED)
    import jwt as pyjwt  # loads cryptography: imported by the first logout (keys.py says why)

    try:
        unverified = pyjwt.decode(hint, options={"verify_signature": False})
    except pyjwt.InvalidTokenError:
        raise _Refused(BAD_HINT) from None
    audience = unverified.get("aud")  # an ID token's is its client's id
    if not isinstance(audience, str) or not isinstance(unverified.get("sub"), str):
        raise _Refused(BAD_HINT)
    signer = await server_signer(runtime, server)
    try:
        claims = await signer.verify(hint, audience)
    except (TokenExpired, TokenRevoked):
        claims = unverified  # raised once the signature verified: the server's own claims
    except AuthenticationFailed:
        raise _Refused(BAD_HINT) from None
    id_token = str(claims.get("jti", "")).startswith("ID.")
    if not id_token or claims.get("iss") != issuer_of(org, server):
        raise _Refused(BAD_HINT)
    return claims


async def _destination(
    runtime: Runtime, org: str, client_id: str, redirect_uri: str | None, state: str | None
) -> str:
    """The registered post-logout redirect URI with state, or the org without one."""
    if redirect_uri is None:
        return f"{org}/"  # inferred: Okta sends the browser to its sign-in page
    application = await Applications(runtime.store).get(client_id)
    registered = [] if application is None else application["post_logout_redirect_uris"]
    if application is None or application["status"] != ACTIVE or redirect_uri not in registered:
        raise _Refused(BAD_REDIRECT.format(org=org, client_id=client_id))
    if not state:
        return redirect_uri
    joiner = "&" if "?" in redirect_uri else "?"
    return f"{redirect_uri}{joiner}{urlencode({'state': state})}"


async def _end_session(runtime: Runtime, user_id: str) -> None:
    """Ends the cookie's session when it is the user's (another user's stays)."""
    sessions = (await okta(runtime)).sessions
    session = await sessions.get(sid(request))
    if session is not None and session.subject == user_id:
        await sessions.end(session.id)
