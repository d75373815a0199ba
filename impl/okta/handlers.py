"""primaryAuthentication and the Sessions API: parse, call core, shape."""

from __future__ import annotations

import json

from connexion.lifecycle import ConnexionResponse
from starlette.responses import Response

from ..core.kit.errors import AccountLocked, AuthenticationFailed, NotFound
from ..core.kit.runtime import runtime_of
from ..core.kit.sessions import Session
from ..core.web.asgi import set_response_cookies
from ..core.web.bodies import respond
from ..core.web.operations import request
from ..generated.dicts import okta as shapes
from ..generated.okta import AuthnRequest, CreateSessionRequest
from . import token as token_endpoint
from .apps_api import (  # noqa: F401 - the Apps API, served from here
    activate_application,
    create_application,
    deactivate_application,
    delete_application,
    get_application,
    list_applications,
    replace_application,
)
from .authorization_servers_api import (  # noqa: F401 - the Authorization Servers API
    activate_authorization_server,
    create_authorization_server,
    create_authorization_server_policy,
    create_authorization_server_policy_rule,
    create_o_auth2_claim,
    create_o_auth2_scope,
    deactivate_authorization_server,
    delete_authorization_server,
    delete_authorization_server_policy,
    delete_authorization_server_policy_rule,
    delete_o_auth2_claim,
    delete_o_auth2_scope,
    get_authorization_server,
    get_authorization_server_policy,
    get_authorization_server_policy_rule,
    get_o_auth2_claim,
    get_o_auth2_scope,
    list_authorization_server_policies,
    list_authorization_server_policy_rules,
    list_authorization_servers,
    list_o_auth2_claims,
    list_o_auth2_scopes,
    replace_authorization_server,
)
from .authorize import authorize, authorize_custom_a_s  # noqa: F401 - served from here
from .cookies import SESSION_CLEARED, session_cookies
from .discovery import (  # noqa: F401 - the authorization servers' metadata, served from here
    get_well_known_o_auth_configuration_custom_a_s,
    get_well_known_open_i_d_configuration,
    get_well_known_open_i_d_configuration_custom_a_s,
    get_well_known_open_i_d_configuration_org_a_s,
)
from .introspection import (  # noqa: F401 - userinfo, introspect and revoke, served from here
    introspect,
    introspect_custom_a_s,
    revoke,
    revoke_custom_a_s,
    userinfo,
    userinfo_custom_a_s,
)
from .logout import logout, logout_custom_a_s  # noqa: F401 - served from here
from .recovery import (  # noqa: F401 - operations of the unlock flow, served from here
    answer_recovery_question,
    cancel_transaction,
    unlock_account,
    verify_recovery_token,
)
from .sign_in import BROWSER_SID, open_session, sid
from .signing import oauth_keys, oauth_keys_custom_a_s  # noqa: F401 - served from here
from .state import SESSION_TOKEN_SECONDS, Okta, last_login_key, okta, okta_for
from .token import token_custom_a_s  # noqa: F401 - the token endpoint, served from here
from .trusted_origins import REDIRECT, TrustedOrigins, origin_of
from .trusted_origins_api import (  # noqa: F401 - the Trusted Origins API, served from here
    activate_trusted_origin,
    create_trusted_origin,
    deactivate_trusted_origin,
    delete_trusted_origin,
    get_trusted_origin,
    list_trusted_origins,
    replace_trusted_origin,
)
from .users_api import (  # noqa: F401 - the Users API, served from here
    activate_user,
    create_user,
    deactivate_user,
    delete_user,
    expire_password,
    get_user,
    list_users,
    shaped_user,
    suspend_user,
    unlock_user,
    unsuspend_user,
)
from .views import locked_out_body, org_url, session_body, success_body

# Okta's end-user error page for a redirect it does not trust (its wording is not public).
UNTRUSTED_REDIRECT = (
    "<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body>"
    "<h1>403 Forbidden</h1><p>The redirect URL is not a trusted origin of this org.</p>"
    "</body></html>"
)
CURRENT = "me (Session)"  # how Okta names the cookie's session in a 404
CURRENT_USER = "me (User)"


async def primary_authentication(body: AuthnRequest) -> Response:
    runtime = runtime_of(request)
    state = await okta(runtime)
    try:
        user = await state.identities.authenticate(body.username, body.password.get_secret_value())
    except AccountLocked:
        if not state.settings.show_lockout_failures:
            raise
        return _transaction(locked_out_body(org_url(request.scope)))
    grant = {"user_id": user.id, "verified_at": await runtime.clock.epoch()}
    await runtime.store.put(last_login_key(user.id), grant["verified_at"])
    token, expires_at = await state.session_tokens.issue(grant, SESSION_TOKEN_SECONDS)
    return _transaction(success_body(org_url(request.scope), user, token, expires_at))


def _transaction(body: shapes.AuthnTransaction) -> Response:
    """An authn transaction's 200, byte for byte as connexion serialised it from the handler's
    (body, 200): Content-Type first, the JSON ending in a line feed. Built here, as connexion
    infers the content type from the operation again on every answer it serialises."""
    return Response(json.dumps(body) + "\n", 200, {"Content-Type": "application/json"})


async def create_session(body: CreateSessionRequest) -> Response:
    state = await okta_for(request)
    session = await open_session(state, body.sessionToken)
    return respond(_shape(state, session, current=True), 200)


async def session_cookie_redirect(
    token: str, redirectUrl: str, checkAccountSetupComplete: bool = False
) -> Response:
    """The browser's exchange: a 302 to redirectUrl that sets `sid` if the token makes a
    session. A live `sid` already sent is kept and the token left unspent (Classic Engine).
    A redirectUrl that leads neither to the org nor to a trusted REDIRECT origin gets Okta's
    error page instead, the token unspent (okta-auth-js's checkAccountSetupComplete is
    accepted and, as nothing of an account's setup is modelled, ignored)."""
    if not await _may_redirect_to(redirectUrl):
        return Response(UNTRUSTED_REDIRECT, 403, media_type="text/html")
    state = await okta_for(request)
    headers = {"Location": redirectUrl}
    if await state.sessions.get(sid(request)) is not None:
        return respond(None, 302, headers)
    try:
        session = await open_session(state, token)
    except AuthenticationFailed:
        return respond(None, 302, headers)  # no session, so no cookie
    return respond(None, 302, headers, cookies=[BROWSER_SID.format(session.id)])


async def _may_redirect_to(url: str) -> bool:
    """A path of the org, a URL of its own origin, or of an ACTIVE trusted REDIRECT origin.
    A path must not begin `//` or `/\\`, which browsers take for another host."""
    if url.startswith("/") and url[1:2] not in ("/", "\\"):
        return True
    target = origin_of(url)
    if target is None:
        return False
    if target == origin_of(org_url(request.scope)):
        return True
    return await TrustedOrigins(runtime_of(request).store).allows(target, REDIRECT)


async def get_session(sessionId: str) -> Response:
    state = await okta_for(request)
    session = _found(await state.sessions.get(sessionId), _by_id(sessionId))
    return respond(_shape(state, session, current=False), 200)


async def refresh_session(sessionId: str) -> Response:
    state = await okta_for(request)
    session = _found(await state.sessions.refresh(sessionId), _by_id(sessionId))
    set_response_cookies(request.scope, session_cookies(session))
    return respond(_shape(state, session, current=False), 200)


async def revoke_session(sessionId: str) -> Response:
    _found(await (await okta_for(request)).sessions.end(sessionId), _by_id(sessionId))
    return respond(None, 204)


async def get_current_session() -> Response:
    state = await okta_for(request)
    session = _found(await state.sessions.get(sid(request)), CURRENT)
    return respond(_shape(state, session, current=True), 200)


async def refresh_current_session() -> Response:
    state = await okta_for(request)
    session = _found(await state.sessions.refresh(sid(request)), CURRENT)
    return respond(_shape(state, session, current=True), 200)


async def close_current_session() -> Response:
    _found(await (await okta_for(request)).sessions.end(sid(request)), CURRENT)
    set_response_cookies(request.scope, SESSION_CLEARED)
    return respond(None, 204)


async def revoke_user_sessions(
    userId: str, oauthTokens: bool = False, forgetDevices: bool = True
) -> ConnexionResponse:
    """Sessim keeps no OAuth tokens or devices, so the two flags have nothing to act on."""
    state = await okta_for(request)
    if await state.identities.by_id(userId) is None:
        raise NotFound(f"{userId} (User)")
    await state.sessions.end_all(userId)
    return ConnexionResponse(status_code=204)


async def get_current_user() -> Response:
    state = await okta_for(request)
    session = _found(await state.sessions.get(sid(request)), CURRENT_USER)
    user = await state.identities.by_id(session.subject)
    if user is None:
        raise NotFound(CURRENT_USER)
    return respond(await shaped_user(user), 200)


def _found(session: Session | None, name: str) -> Session:
    """The session, or Okta's 404 naming what was looked for."""
    if session is None:
        raise NotFound(name)
    return session


def _by_id(session_id: str) -> str:
    return f"{session_id} (AppSession)"


def _shape(state: Okta, session: Session, *, current: bool) -> shapes.Session:
    return session_body(org_url(request.scope), state.org_id, session, current=current)


# The org server's token endpoint (operationId `token`), named after the module's handlers
# whose `token` is a parameter or a sessionToken.
token = token_endpoint.token
