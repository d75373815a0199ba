"""`authorize` of the org and custom authorization servers on the Okta session the `sid`
cookie names (or a sessionToken opens): the code flow with PKCE and its redemption at the
token endpoint, the implicit responses, the response modes, prompt=none and prompt=login,
the sign-in page, and every refusal as Okta answers it (its error page, or OAuth's error at
the redirect URI)."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
from starlette.testclient import TestClient

from tests.conftest import assert_no_cors, preflight
from tests.keypool import draw_rsa_keys_from_the_pool
from tests.okta.support import (
    ANNA,
    NOW,
    ORG,
    PORTAL,
    SSWS,
    advance,
    assert_error,
    not_found,
    seed,
    session_token,
    sessions_url,
)

SPA_URI = "https://app.example.com/callback"
WEB_URI = "https://web.example.com/oidc/callback"
SPA = {
    "client_id": "spa",
    "application_type": "browser",
    "grant_types": ["authorization_code", "implicit", "refresh_token"],
    "response_types": ["code", "id_token", "token"],
    "redirect_uris": [SPA_URI, "https://app.example.com/other"],
    "post_logout_redirect_uris": ["https://app.example.com/"],
}
WEB = {
    "client_id": "web",
    "client_secret": "web-secret",
    "application_type": "web",
    "grant_types": ["authorization_code", "refresh_token"],
    "redirect_uris": [WEB_URI],
}
CODE_ONLY = {**SPA, "client_id": "code-only", "grant_types": ["authorization_code"]}
CODE_ONLY["response_types"] = ["code"]
OFF = {**SPA, "client_id": "off", "status": "INACTIVE"}
SERVERS = [{"id": "default", "scopes": [{"name": "orders:read"}]}]
DEFAULT = "/okta/oauth2/default/v1"
ORG_SERVER = "/okta/oauth2/v1"
HTML = "text/html; charset=utf-8"


@pytest.fixture
def oidc(okta: TestClient, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    draw_rsa_keys_from_the_pool(monkeypatch)
    apps = [SPA, WEB, CODE_ONLY, OFF]
    seed(okta, {"okta": {"authorization_servers": SERVERS, "applications": apps}})
    return okta


def signed_in(client: TestClient, user: dict = ANNA) -> str:
    """The browser's session, as /login/sessionCookieRedirect sets it: its id (the client
    keeps the sid cookie)."""
    query = urlencode({"token": session_token(client, user), "redirectUrl": "/"})
    response = client.get(f"/okta/login/sessionCookieRedirect?{query}", follow_redirects=False)
    assert response.status_code == 302, response.text
    return client.cookies["sid"]


def api(client: TestClient, method: str, url: str) -> httpx.Response:
    """A call of the app's back end with the API token: Okta's answer clears `sid` (every API
    answer does), which the browser's cookie jar never sees."""
    kept = list(client.cookies.jar)
    response = client.request(method, url, headers=SSWS)
    client.cookies.jar.clear()
    for cookie in kept:
        client.cookies.jar.set_cookie(cookie)
    return response


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def code_request(challenge: str | None, **extra: str) -> dict[str, str]:
    params = {
        "client_id": "spa",
        "redirect_uri": SPA_URI,
        "response_type": "code",
        "scope": "openid profile email offline_access",
        "state": "st-1",
        "nonce": "n-1",
    }
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return {**params, **extra}


def authorize(client: TestClient, params: dict[str, str], base: str = DEFAULT) -> httpx.Response:
    return client.get(f"{base}/authorize", params=params, follow_redirects=False)


def redirected(response: httpx.Response, to: str = SPA_URI, part: str = "query") -> dict:
    """The parameters of a 302 to `to`, from its query or fragment."""
    assert response.status_code == 302, response.text
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-okta-request-id"])
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == to
    encoded = location.query if part == "query" else location.fragment
    assert (location.fragment if part == "query" else location.query) == ""
    return {name: values[0] for name, values in parse_qs(encoded).items()}


def a_code(client: TestClient, challenge: str | None, **extra: str) -> str:
    answer = redirected(authorize(client, code_request(challenge, **extra)))
    assert list(answer) == ["code", "state"]
    assert answer["state"] == extra.get("state", "st-1")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", answer["code"])
    return answer["code"]


def redeem(client: TestClient, code: str, verifier: str | None, **extra: str) -> httpx.Response:
    form = {"grant_type": "authorization_code", "client_id": "spa", "code": code}
    form |= {"redirect_uri": SPA_URI, **({"code_verifier": verifier} if verifier else {})}
    return client.post(f"{DEFAULT}/token", data={**form, **extra})


def claims(client: TestClient, token: str, keys: str = f"{DEFAULT}/keys") -> dict:
    jwks = client.get(keys).json()
    kid = jwt.get_unverified_header(token)["kid"]
    (key,) = [jwt.PyJWK(k) for k in jwks["keys"] if k["kid"] == kid]
    audience = jwt.decode(token, options={"verify_signature": False})["aud"]
    return jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        audience=audience,
        options={"verify_iat": False, "verify_exp": False},  # emulated time
    )


def oauth_refusal(response: httpx.Response, error: str, description: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.json() == {"error": error, "error_description": description}


def error_page(response: httpx.Response, code: str, description: str) -> None:
    """Okta's error page: 400 HTML, no redirect, the code and description shown."""
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == HTML
    assert "location" not in response.headers
    assert "Your request resulted in an error." in response.text
    assert f'<dd id="error-code">{code}</dd>' in response.text
    assert f'<dd id="error-description">{description}</dd>' in response.text


# --- the code flow ------------------------------------------------------------------------


def test_code_with_pkce_on_the_cookies_session_then_tokens_at_the_token_endpoint(
    oidc: TestClient,
) -> None:
    session_id = signed_in(oidc)
    verifier, challenge = pkce()
    code = a_code(oidc, challenge)
    response = redeem(oidc, code, verifier)
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == [
        "token_type",
        "expires_in",
        "access_token",
        "scope",
        "refresh_token",
        "id_token",
    ]
    assert (body["expires_in"], body["scope"]) == (3600, "openid profile email offline_access")
    access = claims(oidc, body["access_token"])
    assert (access["uid"], access["sub"], access["cid"]) == (ANNA["id"], ANNA["login"], "spa")
    assert access["aud"] == "api://default"
    identity = claims(oidc, body["id_token"])
    assert (identity["sub"], identity["aud"], identity["nonce"]) == (ANNA["id"], "spa", "n-1")
    assert identity["iss"] == f"{ORG}/oauth2/default"
    assert identity["auth_time"] == int(NOW.timestamp())
    assert identity["amr"] == ["pwd"]
    # The tokens are recorded on the browser's session (the admin view of its tokens).
    view = oidc.get("/_admin/views/okta/sessionTokens", params={"key": session_id})
    assert view.status_code == 200, view.text
    assert {token["kind"] for token in view.json()["tokens"]} >= {"access_token", "id_token"}


def test_a_confidential_client_needs_no_pkce(oidc: TestClient) -> None:
    signed_in(oidc)
    params = code_request(None, client_id="web", redirect_uri=WEB_URI, scope="openid")
    code = redirected(authorize(oidc, params), WEB_URI)["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": WEB_URI}
    response = oidc.post(f"{DEFAULT}/token", data=form, auth=("web", "web-secret"))
    assert response.status_code == 200, response.text
    assert list(response.json()) == [
        "token_type",
        "expires_in",
        "access_token",
        "scope",
        "id_token",
    ]


def test_a_code_is_spent_by_its_first_use(oidc: TestClient) -> None:
    signed_in(oidc)
    verifier, challenge = pkce()
    code = a_code(oidc, challenge)
    assert redeem(oidc, code, verifier).status_code == 200
    oauth_refusal(
        redeem(oidc, code, verifier),
        "invalid_grant",
        "The authorization code is invalid or has expired.",
    )


def test_a_wrong_verifier_fails_and_spends_the_code(oidc: TestClient) -> None:
    signed_in(oidc)
    verifier, challenge = pkce()
    code = a_code(oidc, challenge)
    oauth_refusal(redeem(oidc, code, pkce()[0]), "invalid_grant", "PKCE verification failed.")
    oauth_refusal(
        redeem(oidc, code, verifier),
        "invalid_grant",
        "The authorization code is invalid or has expired.",
    )
    code = a_code(oidc, challenge)
    oauth_refusal(redeem(oidc, code, None), "invalid_grant", "PKCE verification failed.")


def test_a_code_expires_after_60_seconds_of_emulated_time(oidc: TestClient) -> None:
    signed_in(oidc)
    verifier, challenge = pkce()
    code = a_code(oidc, challenge)
    advance(oidc, 59)
    assert redeem(oidc, code, verifier).status_code == 200
    code = a_code(oidc, challenge)
    advance(oidc, 60)
    oauth_refusal(
        redeem(oidc, code, verifier),
        "invalid_grant",
        "The authorization code is invalid or has expired.",
    )


def test_a_code_is_bound_to_its_redirect_uri_client_and_server(oidc: TestClient) -> None:
    signed_in(oidc)
    verifier, challenge = pkce()
    code = a_code(oidc, challenge)
    oauth_refusal(
        redeem(oidc, code, verifier, redirect_uri="https://app.example.com/other"),
        "invalid_grant",
        "The 'redirect_uri' does not match the redirection URI used in the authorization request.",
    )
    code = a_code(oidc, challenge)
    oauth_refusal(
        redeem(oidc, code, verifier, client_id="code-only"),
        "invalid_grant",
        "The authorization code is invalid or has expired.",
    )
    org_code = redirected(authorize(oidc, code_request(challenge), ORG_SERVER))["code"]
    oauth_refusal(
        redeem(oidc, org_code, verifier),
        "invalid_grant",
        "The authorization code is invalid or has expired.",
    )


# --- the session underneath ---------------------------------------------------------------


def test_prompt_none_answers_from_the_live_session_and_login_required_without_one(
    oidc: TestClient,
) -> None:
    _, challenge = pkce()
    silent = code_request(challenge, prompt="none", response_mode="okta_post_message")
    refused = authorize(oidc, silent)
    assert_posted(refused, "https://app.example.com", {
        "error": "login_required",
        "error_description": "The client specified not to prompt, but the user is not logged in.",
        "state": "st-1",
    })  # fmt: skip
    session_id = signed_in(oidc)
    answer = posted(authorize(oidc, silent), "https://app.example.com")
    assert list(answer) == ["code", "state"]
    # Revoked through the Sessions API: silent renewal fails.
    assert api(oidc, "DELETE", sessions_url(session_id)).status_code == 204
    assert posted(authorize(oidc, silent), "https://app.example.com")["error"] == "login_required"


def test_the_sessions_expiry_and_refresh_decide_prompt_none(oidc: TestClient) -> None:
    _, challenge = pkce()
    silent = code_request(challenge, prompt="none")
    session_id = signed_in(oidc)
    advance(oidc, 100 * 60)
    refreshed = api(oidc, "POST", f"{sessions_url(session_id)}/lifecycle/refresh")
    assert refreshed.status_code == 200, refreshed.text
    advance(oidc, 100 * 60)  # 200 minutes after sign-in, 100 after the refresh
    assert "code" in redirected(authorize(oidc, silent))
    advance(oidc, 21 * 60)  # past the idle timeout of 120 minutes
    assert redirected(authorize(oidc, silent))["error"] == "login_required"


def test_a_session_token_opens_the_session_the_sessions_api_sees(oidc: TestClient) -> None:
    _, challenge = pkce()
    params = code_request(challenge, sessionToken=session_token(oidc), prompt="none")
    response = authorize(oidc, params)
    assert "code" in redirected(response)
    (cookie,) = response.headers.get_list("set-cookie")
    session_id = re.fullmatch(r"sid=(102[A-Za-z0-9_-]{22}); Path=/", cookie)[1]  # type: ignore[index]
    read = api(oidc, "GET", sessions_url(session_id))
    assert (read.status_code, read.json()["userId"]) == (200, ANNA["id"])
    # The token is spent: it opens no second session.
    again = authorize(oidc, {**params, "sessionToken": params["sessionToken"]})
    assert "set-cookie" not in again.headers


def test_without_a_session_or_with_prompt_login_the_sign_in_page(oidc: TestClient) -> None:
    _, challenge = pkce()
    params = code_request(challenge)
    page = authorize(oidc, params)
    assert page.status_code == 200, page.text
    assert page.headers["content-type"] == HTML
    assert page.headers["cache-control"] == "no-cache, no-store"
    assert '<form id="okta-sign-in"' in page.text
    assert f'"authn": "{ORG}/api/v1/authn"' in page.text
    signed_in(oidc)
    assert "code" in redirected(authorize(oidc, params))
    login = authorize(oidc, {**params, "prompt": "login"})
    assert (login.status_code, '<form id="okta-sign-in"' in login.text) == (200, True)


def test_logout_ends_the_session_and_returns_with_state(oidc: TestClient) -> None:
    session_id = signed_in(oidc)
    verifier, challenge = pkce()
    id_token = redeem(oidc, a_code(oidc, challenge), verifier).json()["id_token"]
    advance(oidc, 2 * 3600)  # the ID token has expired: still a hint
    refreshed = api(oidc, "POST", f"{sessions_url(session_id)}/lifecycle/refresh")
    assert refreshed.status_code == 404  # idle past 120 minutes: expired
    session_id = signed_in(oidc)
    query = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": "https://app.example.com/",
        "state": "bye",
    }
    response = oidc.get(f"{DEFAULT}/logout", params=query, follow_redirects=False)
    assert response.status_code == 302, response.text
    assert response.headers["location"] == "https://app.example.com/?state=bye"
    assert response.headers.get_list("set-cookie") == [
        'sid="";Version=1;Path=/;Max-Age=0',
        'xids="";Version=1;Path=/;Max-Age=0',
    ]
    assert api(oidc, "GET", sessions_url(session_id)).status_code == 404
    silent = code_request(challenge, prompt="none")
    oidc.cookies.set("sid", session_id)  # even were the cookie kept
    assert redirected(authorize(oidc, silent))["error"] == "login_required"


def log_out(client: TestClient, base: str, **query: str) -> httpx.Response:
    return client.get(f"{base}/logout", params=query, follow_redirects=False)


def test_logout_refuses_an_unregistered_uri_and_a_bad_hint(oidc: TestClient) -> None:
    session_id = signed_in(oidc)
    verifier, challenge = pkce()
    id_token = redeem(oidc, a_code(oidc, challenge), verifier).json()["id_token"]
    elsewhere = {"id_token_hint": id_token, "post_logout_redirect_uri": "https://evil.example/"}
    response = oidc.get(f"{DEFAULT}/logout", params=elsewhere, follow_redirects=False)
    error_page(
        response,
        "invalid_request",
        "The &#x27;post_logout_redirect_uri&#x27; parameter must be a Logout redirect URI in "
        f"the client app settings: {ORG}/admin/app/oidc_client/instance/spa#tab-general",
    )
    bad_hint = "The &#x27;id_token_hint&#x27; parameter is not a valid ID token."
    for hint in ("not-a-jwt", id_token[:-4] + "AAAA"):
        error_page(log_out(oidc, DEFAULT, id_token_hint=hint), "invalid_request", bad_hint)
    # Another server's token is no hint here.
    error_page(log_out(oidc, ORG_SERVER, id_token_hint=id_token), "invalid_request", bad_hint)
    assert api(oidc, "GET", sessions_url(session_id)).status_code == 200  # still alive
    plain = log_out(oidc, DEFAULT, id_token_hint=id_token)
    assert (plain.status_code, plain.headers["location"]) == (302, f"{ORG}/")


# --- implicit and the response modes ------------------------------------------------------


def test_implicit_id_token_and_token_in_the_fragment(oidc: TestClient) -> None:
    signed_in(oidc)
    params = code_request(None, response_type="id_token token")
    answer = redirected(authorize(oidc, params), part="fragment")
    assert list(answer) == [
        "token_type",
        "expires_in",
        "access_token",
        "scope",
        "id_token",
        "state",
    ]
    identity = claims(oidc, answer["id_token"])
    assert (identity["nonce"], identity["sub"]) == ("n-1", ANNA["id"])
    assert "at_hash" in identity
    assert claims(oidc, answer["access_token"])["uid"] == ANNA["id"]
    alone = redirected(authorize(oidc, {**params, "response_type": "id_token"}), part="fragment")
    assert list(alone) == ["id_token", "state"]
    assert "at_hash" not in claims(oidc, alone["id_token"])


def test_form_post_posts_the_answer_to_the_redirect_uri(oidc: TestClient) -> None:
    signed_in(oidc)
    _, challenge = pkce()
    page = authorize(oidc, code_request(challenge, response_mode="form_post", state='"<x>'))
    assert page.status_code == 200, page.text
    assert page.headers["content-type"] == HTML
    assert f'<form method="post" action="{SPA_URI}">' in page.text
    assert '<input type="hidden" name="state" value="&quot;&lt;x&gt;">' in page.text
    assert re.search(r'<input type="hidden" name="code" value="[A-Za-z0-9_-]{43}">', page.text)


def posted(response: httpx.Response, origin: str) -> dict:
    """What an okta_post_message page posts, and to which origin."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == HTML
    match = re.search(r"var data = (\{.*?\});\(window.opener \|\| window.parent\)"
                      r"\.postMessage\(data, \"([^\"]+)\"\);", response.text)  # fmt: skip
    assert match, response.text
    assert match[2] == origin
    import json

    return json.loads(match[1])


def assert_posted(response: httpx.Response, origin: str, data: dict) -> None:
    assert posted(response, origin) == data


def test_post_message_escapes_what_it_posts(oidc: TestClient) -> None:
    _, challenge = pkce()
    silent = code_request(challenge, prompt="none", response_mode="okta_post_message")
    page = authorize(oidc, {**silent, "state": "</script><b>"})
    assert "</script><b>" not in page.text
    assert posted(page, "https://app.example.com")["state"] == "</script><b>"


# --- refusals -----------------------------------------------------------------------------


def test_an_unknown_client_or_unregistered_redirect_uri_gets_the_error_page(
    oidc: TestClient,
) -> None:
    _, challenge = pkce()
    for client_id in ("nobody", "off"):
        error_page(
            authorize(oidc, code_request(challenge, client_id=client_id)),
            "invalid_client",
            "Invalid value for &#x27;client_id&#x27; parameter.",
        )
    for uri in ("https://app.example.com/callback/", "https://evil.example/callback"):
        error_page(
            authorize(oidc, code_request(challenge, redirect_uri=uri)),
            "invalid_request",
            "The &#x27;redirect_uri&#x27; parameter must be a Login redirect URI in the client "
            f"app settings: {ORG}/admin/app/oidc_client/instance/spa#tab-general",
        )


REFUSALS = [
    ({"code_challenge_method": "plain"}, "invalid_request",
     "The 'code_challenge_method' parameter must be 'S256'."),
    ({"code_challenge_method": ""}, "invalid_request",
     "The 'code_challenge_method' parameter must be 'S256'."),
    ({"code_challenge": "short"}, "invalid_request",
     "The 'code_challenge' parameter must be the base64url encoding of a SHA-256 hash "
     "(43 characters)."),
    ({"code_challenge": ""}, "invalid_request",
     "PKCE code challenge is required when the token endpoint authentication method is 'NONE'."),
    ({"state": ""}, "invalid_request", "The 'state' parameter is required."),
    ({"scope": ""}, "invalid_request", "The 'scope' parameter is required."),
    ({"scope": "openid admin"}, "invalid_scope",
     "One or more scopes are not configured for the authorization server resource."),
    ({"response_type": "code id_token"}, "unsupported_response_type",
     "The response type is not supported by the authorization server."),
    ({"client_id": "code-only", "response_type": "token"}, "unauthorized_client",
     "The client is not authorized to use the provided response type. "
     "Configured response types: [code]."),
    ({"response_type": "token", "nonce": ""}, "invalid_request",
     "The 'nonce' parameter is required for authorize requests with either the 'id_token' "
     "or 'token' response types."),
    ({"response_type": "id_token", "scope": "profile"}, "invalid_request",
     "The 'openid' scope is required for the 'id_token' response type."),
    ({"prompt": "none login"}, "invalid_request",
     "The 'prompt' parameter is invalid: 'none login'."),
]  # fmt: skip


@pytest.mark.parametrize(("change", "error", "description"), REFUSALS)
def test_refusals_go_to_the_redirect_uri_with_state(
    oidc: TestClient, change: dict, error: str, description: str
) -> None:
    signed_in(oidc)
    _, challenge = pkce()
    params = code_request(challenge, **change)
    part = "query" if params["response_type"] == "code" else "fragment"
    answer = redirected(authorize(oidc, params), part=part)
    expected = {"error": error, "error_description": description}
    assert answer == {**expected, **({"state": params["state"]} if params["state"] else {})}


def test_query_mode_is_refused_for_tokens_and_an_unknown_mode_answers_in_the_default(
    oidc: TestClient,
) -> None:
    signed_in(oidc)
    tokens = code_request(None, response_type="id_token", response_mode="query")
    assert redirected(authorize(oidc, tokens))["error_description"] == (
        "The 'query' response mode is not allowed for the 'id_token' or 'token' response types."
    )
    _, challenge = pkce()
    odd = code_request(challenge, response_mode="web_message")
    assert redirected(authorize(oidc, odd))["error_description"] == (
        "The 'response_mode' parameter is not supported: 'web_message'."
    )


def test_no_policy_rule_is_access_denied(oidc: TestClient) -> None:
    rule = {"name": "Service only", "grantTypes": ["client_credentials"]}
    policy = {"name": "Locked", "rules": [rule]}
    seed(oidc, {"okta": {"authorization_servers": [{"id": "default", "policies": [policy]}]}})
    signed_in(oidc)
    _, challenge = pkce()
    assert redirected(authorize(oidc, code_request(challenge))) == {
        "error": "access_denied",
        "error_description": (
            "Policy evaluation failed for this request, please check the policy configurations."
        ),
        "state": "st-1",
    }


def test_an_unknown_server_is_the_apis_404(oidc: TestClient) -> None:
    response = oidc.get("/okta/oauth2/ausNope0000000000d7x/v1/authorize")
    assert_error(
        response,
        404,
        not_found("ausNope0000000000d7x (AuthorizationServer)"),
        rate_limited_path=False,
    )
    logout = oidc.get("/okta/oauth2/ausNope0000000000d7x/v1/logout")
    assert_error(
        logout,
        404,
        not_found("ausNope0000000000d7x (AuthorizationServer)"),
        rate_limited_path=False,
    )


# --- CORS ---------------------------------------------------------------------------------

AUTH_JS_HEADERS = "accept,content-type,x-okta-user-agent-extended"


@pytest.mark.parametrize(
    ("path", "method"),
    [
        (f"{DEFAULT}/token", "POST"),
        (f"{DEFAULT}/keys", "GET"),
        ("/okta/oauth2/default/.well-known/openid-configuration", "GET"),
        (f"{ORG_SERVER}/keys", "GET"),
        ("/okta/.well-known/openid-configuration", "GET"),
    ],
)
def test_the_oauth_endpoints_answer_a_trusted_origin_only(
    oidc: TestClient, path: str, method: str
) -> None:
    allowed = preflight(oidc, path, PORTAL, method, AUTH_JS_HEADERS)
    assert allowed.status_code == 200, allowed.text
    assert allowed.headers["access-control-allow-origin"] == PORTAL
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert method in allowed.headers["access-control-allow-methods"]
    refused = preflight(oidc, path, "https://evil.example.com", method, AUTH_JS_HEADERS)
    assert_no_cors(refused)
    assert refused.status_code == 405


def test_a_page_redeems_its_code_across_origins(oidc: TestClient) -> None:
    signed_in(oidc)
    verifier, challenge = pkce()
    code = a_code(oidc, challenge)
    form = {"grant_type": "authorization_code", "client_id": "spa", "code": code}
    form |= {"redirect_uri": SPA_URI, "code_verifier": verifier}
    across = oidc.post(f"{DEFAULT}/token", data=form, headers={"Origin": PORTAL})
    assert across.status_code == 200, across.text
    assert across.headers["access-control-allow-origin"] == PORTAL
    # An error is readable too (okta-auth-js shows its error_description).
    again = oidc.post(f"{DEFAULT}/token", data=form, headers={"Origin": PORTAL})
    assert again.status_code == 400
    assert again.headers["access-control-allow-origin"] == PORTAL


def test_the_org_server_grants_a_code_its_token_endpoint_redeems(oidc: TestClient) -> None:
    signed_in(oidc)
    verifier, challenge = pkce()
    params = code_request(challenge, scope="openid email")
    code = redirected(authorize(oidc, params, ORG_SERVER))["code"]
    oauth_refusal(
        redeem(oidc, code, verifier),  # at the default server: not its code
        "invalid_grant",
        "The authorization code is invalid or has expired.",
    )
    code = redirected(authorize(oidc, params, ORG_SERVER))["code"]
    form = {"grant_type": "authorization_code", "client_id": "spa", "code": code}
    form |= {"redirect_uri": SPA_URI, "code_verifier": verifier}
    response = oidc.post(f"{ORG_SERVER}/token", data=form)
    assert response.status_code == 200, response.text
    identity = claims(oidc, response.json()["id_token"], f"{ORG_SERVER}/keys")
    assert (identity["iss"], identity["email"]) == (ORG, ANNA["login"])
    assert claims(oidc, response.json()["access_token"], f"{ORG_SERVER}/keys")["aud"] == ORG


def test_revoke_after_a_token_answer_has_no_body_type(oidc: TestClient) -> None:
    """okta-auth-js's signOut reads revoke's empty answer as JSON when it says it is JSON
    (a shared header dict once took the token answer's Content-Type)."""
    signed_in(oidc)
    verifier, challenge = pkce()
    token = redeem(oidc, a_code(oidc, challenge), verifier).json()["access_token"]
    basic = {"Authorization": "Basic " + base64.b64encode(b"spa").decode()}  # as okta-auth-js
    revoked = oidc.post(f"{DEFAULT}/revoke", data={"token": token}, headers=basic)
    assert (revoked.status_code, revoked.content) == (200, b"")
    assert "content-type" not in revoked.headers
    # A client id alone authenticates no confidential client.
    alone = {"Authorization": "Basic " + base64.b64encode(b"web").decode()}
    refused = oidc.post(f"{DEFAULT}/revoke", data={"token": token}, headers=alone)
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")
