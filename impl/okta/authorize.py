"""`authorize` of the org authorization server (`/oauth2/v1/authorize`) and of custom ones
(`/oauth2/{authServerId}/v1/authorize`): the authorization code flow with PKCE (S256 only)
and the implicit `id_token`, `token` and `id_token token` responses, answered in the
response mode asked (query, fragment, form_post, okta_post_message), on the Okta session
the `sid` cookie names or the one a `sessionToken` opens.

What Okta cannot trust is answered with its error page, not a redirect: an unknown client
and a redirect URI not registered for the client. Everything refused after that goes back
to the client's redirect URI as OAuth's `error` and `error_description`, with `state`.
Without a session (or with `prompt=login`) Okta shows its sign-in page; Sessim shows its
own (pages.sign_in_page), which comes back here with a sessionToken. `idp` is accepted and
ignored: Sessim federates with no identity provider.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from ..core.kit.errors import AuthenticationFailed
from ..core.kit.identities import User
from ..core.kit.runtime import Runtime, runtime_of
from ..core.kit.sessions import Session
from ..core.web.oauth_errors import OAuthError, UnauthorizedClient
from ..core.web.operations import request
from .authorization_servers import ACTIVE, NONE, Applications, AuthorizationServers
from .codes import AUTHORIZATION_CODE, Granted, new_code
from .issuance import OPENID, Grant, granted_scopes, issue, mint_id_token, policy_rule
from .pages import error_page, form_post, post_message, sign_in_page
from .sign_in import BROWSER_SID, live_session, open_session
from .state import Okta, okta
from .trusted_origins import origin_of
from .views import org_url

IMPLICIT = "implicit"
CODE, ID_TOKEN, TOKEN = "code", "id_token", "token"
# The response types Sessim serves (the hybrid ones are not served: unsupported_response_type).
RESPONSE_TYPES = (
    frozenset({CODE}),
    frozenset({ID_TOKEN}),
    frozenset({TOKEN}),
    frozenset({ID_TOKEN, TOKEN}),
)
QUERY, FRAGMENT, FORM_POST, POST_MESSAGE = "query", "fragment", "form_post", "okta_post_message"
MODES = (QUERY, FRAGMENT, FORM_POST, POST_MESSAGE)
PROMPTS = ("none", "login", "consent")
S256 = "S256"
CHALLENGE_LENGTH = 43  # base64url of a SHA-256, unpadded (RFC 7636 4.2)
BASE64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

# Okta's wordings, as users have quoted them (docs/fidelity.md names the sources); those
# marked inferred are Sessim's, in Okta's manner.
BAD_CLIENT_ID = "Invalid value for 'client_id' parameter."
NO_CLIENT_ID = "The 'client_id' parameter is required."  # inferred
BAD_REDIRECT = (
    "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings: "
    "{org}/admin/app/oidc_client/instance/{client_id}#tab-general"
)
LOGIN_REQUIRED = "The client specified not to prompt, but the user is not logged in."
PKCE_REQUIRED = (
    "PKCE code challenge is required when the token endpoint authentication method is 'NONE'."
)
NONCE_REQUIRED = (
    "The 'nonce' parameter is required for authorize requests with either the 'id_token' "
    "or 'token' response types."
)
STATE_REQUIRED = "The 'state' parameter is required."  # inferred
SCOPE_REQUIRED = "The 'scope' parameter is required."  # inferred
RESPONSE_TYPE_REQUIRED = "The 'response_type' parameter is required."  # inferred
UNSUPPORTED_RESPONSE_TYPE = (
    "The response type is not supported by the authorization server."  # inferred
)
OPENID_REQUIRED = "The 'openid' scope is required for the 'id_token' response type."  # inferred
BAD_MODE = "The 'response_mode' parameter is not supported: '{mode}'."  # inferred
# Inferred, after OAuth 2.0 Multiple Response Type Encoding Practices 2.1 (no tokens in a
# query).
QUERY_FOR_TOKENS = (
    "The 'query' response mode is not allowed for the 'id_token' or 'token' response types."
)
BAD_PROMPT = "The 'prompt' parameter is invalid: '{prompt}'."  # inferred
BAD_METHOD = "The 'code_challenge_method' parameter must be 'S256'."  # inferred
BAD_CHALLENGE = (
    "The 'code_challenge' parameter must be the base64url encoding of a SHA-256 hash "
    "(43 characters)."
)  # inferred


class LoginRequired(OAuthError):
    code = "login_required"


class UnsupportedResponseType(OAuthError):
    code = "unsupported_response_type"


class _Page(Exception):
    """Refused with Okta's error page: the request names no client and place to answer."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class Asked:
    """An authorize request that passed every check but the session's."""

    server: dict[str, Any]
    application: dict[str, Any]
    redirect_uri: str
    mode: str
    response_types: frozenset[str]
    scopes: tuple[str, ...]
    state: str
    nonce: str | None
    prompt: frozenset[str]
    challenge: str | None


async def authorize(
    client_id: str | None = None,
    redirect_uri: str | None = None,
    response_type: str | None = None,
    response_mode: str | None = None,
    scope: str | None = None,
    state: str | None = None,
    nonce: str | None = None,
    prompt: str | None = None,
    code_challenge: str | None = None,
    code_challenge_method: str | None = None,
    sessionToken: str | None = None,
) -> Response:
    """The org server's; `idp`, `login_hint` and `display` are taken and not read."""
    return await _authorize(None, _given(locals()))


async def authorize_custom_a_s(
    authServerId: str,
    client_id: str | None = None,
    redirect_uri: str | None = None,
    response_type: str | None = None,
    response_mode: str | None = None,
    scope: str | None = None,
    state: str | None = None,
    nonce: str | None = None,
    prompt: str | None = None,
    code_challenge: str | None = None,
    code_challenge_method: str | None = None,
    sessionToken: str | None = None,
) -> Response:
    return await _authorize(authServerId, _given(locals()))


def _given(arguments: Mapping[str, str | None]) -> dict[str, str]:
    """The query parameters given (a handler's arguments, its server's id aside)."""
    return {
        name: value
        for name, value in arguments.items()
        if value is not None and name != "authServerId"
    }


async def _authorize(server_id: str | None, params: Mapping[str, str]) -> Response:
    runtime = runtime_of(request)
    server = await AuthorizationServers(runtime.store).serving(server_id)
    try:
        application, redirect_uri = await _client(runtime, params)
    except _Page as refused:
        return error_page(refused.code, refused.description)
    mode = _mode(params)
    state = params.get("state")
    try:
        asked = _checked(server, application, redirect_uri, mode, params)
        return await _answer(runtime, asked, params)
    except OAuthError as refused:
        answer = {"error": refused.code, "error_description": str(refused)}
        return deliver(redirect_uri, mode, {**answer, **({"state": state} if state else {})})


async def _client(runtime: Runtime, params: Mapping[str, str]) -> tuple[dict[str, Any], str]:
    """The ACTIVE application of client_id and the redirect URI, one registered for it
    exactly; else Okta's error page."""
    client_id = params.get("client_id")
    if not client_id:
        raise _Page("invalid_request", NO_CLIENT_ID)
    application = await Applications(runtime.store).get(client_id)
    if application is None or application["status"] != ACTIVE:
        raise _Page("invalid_client", BAD_CLIENT_ID)
    redirect_uri = params.get("redirect_uri")
    if redirect_uri is None or redirect_uri not in application["redirect_uris"]:
        org = org_url(request.scope)
        raise _Page("invalid_request", BAD_REDIRECT.format(org=org, client_id=client_id))
    return application, redirect_uri


def _mode(params: Mapping[str, str]) -> str:
    """The response mode asked for, else the response type's default (query for a code,
    fragment for tokens): where the answer goes, errors too."""
    asked = params.get("response_mode")
    if asked in MODES:
        return asked
    return QUERY if params.get("response_type", CODE).split() == [CODE] else FRAGMENT


def _checked(
    server: dict[str, Any],
    application: dict[str, Any],
    redirect_uri: str,
    mode: str,
    params: Mapping[str, str],
) -> Asked:
    """The request, each parameter checked as Okta checks it; the first refusal raised."""
    if params.get("response_mode", mode) not in MODES:
        raise OAuthError(BAD_MODE.format(mode=params["response_mode"]))
    types = _response_types(application, params.get("response_type"))
    if mode == QUERY and CODE not in types:
        raise OAuthError(QUERY_FOR_TOKENS)
    grant_type = AUTHORIZATION_CODE if CODE in types else IMPLICIT
    _allowed_grant(application, grant_type)
    if not params.get("scope"):
        raise OAuthError(SCOPE_REQUIRED)
    scopes = granted_scopes(server, params["scope"], grant_type)
    if ID_TOKEN in types and OPENID not in scopes:
        raise OAuthError(OPENID_REQUIRED)
    state = params.get("state")
    if not state:
        raise OAuthError(STATE_REQUIRED)
    nonce = params.get("nonce") or None
    if CODE not in types and nonce is None:
        raise OAuthError(NONCE_REQUIRED)
    challenge = _challenge(application, params) if CODE in types else None
    asked = Asked(
        server,
        application,
        redirect_uri,
        mode,
        types,
        scopes,
        state,
        nonce,
        _prompt(params.get("prompt")),
        challenge,
    )
    policy_rule(server, application["client_id"], grant_type, scopes)
    return asked


def _response_types(application: dict[str, Any], asked: str | None) -> frozenset[str]:
    if not asked or not asked.split():
        raise OAuthError(RESPONSE_TYPE_REQUIRED)
    types = frozenset(asked.split())
    if types not in RESPONSE_TYPES:
        raise UnsupportedResponseType(UNSUPPORTED_RESPONSE_TYPE)
    if not types <= set(application["response_types"]):
        configured = ", ".join(application["response_types"])
        raise UnauthorizedClient(
            "The client is not authorized to use the provided response type. "
            f"Configured response types: [{configured}]."
        )  # inferred, as the token endpoint words it of grant types
    return types


def _allowed_grant(application: dict[str, Any], grant_type: str) -> None:
    if grant_type not in application["grant_types"]:
        configured = ", ".join(application["grant_types"])
        raise UnauthorizedClient(
            "The client is not authorized to use the provided grant type. "
            f"Configured grant types: [{configured}]."
        )


def _prompt(asked: str | None) -> frozenset[str]:
    """none, login and consent (Sessim asks no consent: consent is granted as asked); none
    goes with no other value (OpenID Connect Core 3.1.2.1)."""
    prompt = frozenset((asked or "").split())
    if not prompt <= set(PROMPTS) or ("none" in prompt and len(prompt) > 1):
        raise OAuthError(BAD_PROMPT.format(prompt=asked))
    return prompt


def _challenge(application: dict[str, Any], params: Mapping[str, str]) -> str | None:
    """The PKCE challenge of a code request: S256 only (Okta's metadata lists no other),
    required of a client that does not authenticate."""
    challenge = params.get("code_challenge")
    if not challenge:
        if application["token_endpoint_auth_method"] == NONE:
            raise OAuthError(PKCE_REQUIRED)
        return None
    # Without a method, RFC 7636 4.3 means plain, which Okta does not take either.
    if params.get("code_challenge_method") != S256:
        raise OAuthError(BAD_METHOD)
    if len(challenge) != CHALLENGE_LENGTH or not set(challenge) <= BASE64URL:
        raise OAuthError(BAD_CHALLENGE)
    return challenge


async def _answer(runtime: Runtime, asked: Asked, params: Mapping[str, str]) -> Response:
    """The grant on the session, or the sign-in page when there is none to use."""
    state = await okta(runtime)
    opened = await _session_of_token(state, params.get("sessionToken"))
    session = opened or (None if "login" in asked.prompt else await live_session(state, request))
    user = None if session is None else await state.identities.by_id(session.subject)
    if session is None or user is None:
        if "none" in asked.prompt:
            raise LoginRequired(LOGIN_REQUIRED)
        org = org_url(request.scope)
        return sign_in_page(f"{org}/api/v1/authn", str(request.url))
    cookies = [] if opened is None else [BROWSER_SID.format(opened.id)]
    answer = await _granted(runtime, asked, session, user)
    return deliver(asked.redirect_uri, asked.mode, {**answer, "state": asked.state}, cookies)


async def _session_of_token(state: Okta, session_token: str | None) -> Session | None:
    """A new session for the sessionToken (direct sign-in), as sessionCookieRedirect makes
    one; None without a token or for one spent, expired or unknown (inferred: Okta then
    treats the request as one without a session)."""
    if not session_token:
        return None
    try:
        return await open_session(state, session_token)
    except AuthenticationFailed:
        return None


async def _granted(runtime: Runtime, asked: Asked, session: Session, user: User) -> dict[str, str]:
    """A code, or the implicit response's tokens (access token first, as Okta orders them)."""
    auth_time = int(session.data["password_verified_at"])
    if CODE in asked.response_types:
        granted = Granted(
            server=asked.server["id"],
            client_id=asked.application["client_id"],
            redirect_uri=asked.redirect_uri,
            challenge=asked.challenge,
            scopes=list(asked.scopes),
            nonce=asked.nonce,
            session_id=session.id,
            user_id=user.id,
            auth_time=auth_time,
        )
        return {"code": await new_code(runtime, granted)}
    grant = Grant(
        asked.server,
        asked.application,
        user,
        asked.scopes,
        IMPLICIT,
        org_url(request.scope),
        session_id=session.id,
        nonce=asked.nonce,
        auth_time=auth_time,
    )
    if TOKEN not in asked.response_types:
        return {"id_token": await mint_id_token(runtime, grant)}
    tokens = await issue(runtime, grant, id_token=ID_TOKEN in asked.response_types, refresh=False)
    return {name: str(value) for name, value in tokens.items()}


def deliver(
    redirect_uri: str, mode: str, parameters: Mapping[str, str], cookies: Sequence[str] = ()
) -> Response:
    """The answer in the response mode: a 302 with the parameters in the redirect URI's
    query or fragment, or a page that posts them."""
    if mode == FORM_POST:
        response: Response = form_post(redirect_uri, parameters)
    elif mode == POST_MESSAGE:
        response = post_message(origin_of(redirect_uri) or redirect_uri, parameters)
    else:
        encoded = urlencode(parameters)
        if mode == QUERY:
            joiner = "&" if "?" in redirect_uri else "?"
            location = f"{redirect_uri}{joiner}{encoded}"
        else:
            location = f"{redirect_uri}#{encoded}"
        response = Response(None, 302, headers={"Location": location})
    response.raw_headers.extend((b"set-cookie", cookie.encode("latin-1")) for cookie in cookies)
    return response
