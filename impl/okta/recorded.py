"""What Sessim knows of Okta's recorded traffic (`sessim replay`): its error summaries,
OAuth's error codes, and the `okta` fixture section a recording needs: the users whose
primary authentication (POST /api/v1/authn) or password grant (an authorization server's
token call) succeeded, with the passwords they sent; the users its answers show (a user's id
and profile, a session's userId and login), with their recorded ids so that paths with them
work; the API tokens it sends (SSWS); the confidential applications whose token calls
succeeded (their secrets, by Basic or in the form, and the grants they used); the org of its
sessions; the rate limits its answers announce (X-Rate-Limit-Limit, by bucket); the trusted
origins it was sent back to (sessionCookieRedirect's redirectUrl) or answered cross-origin."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

from ..core.web.recorded import (
    Recorded,
    RecordedCall,
    client_of,
    form_body,
    json_body,
    objects,
    path_of,
    query_of,
    succeeded,
)
from .edge import BUCKET
from .trusted_origins import is_origin, origin_of

USER_ID = re.compile(r"00u[A-Za-z0-9]{17}")
ORG_ID = re.compile(r"00o[A-Za-z0-9]{17}")
API_TOKEN = re.compile(r"[!-~]{1,200}")
NAMES = ("firstName", "lastName", "locale", "timeZone")
MOST_PER_WINDOW = 1_000_000  # the fixture's RateLimit maximum


def infer_seed(calls: Sequence[RecordedCall]) -> dict:
    users: dict[str, dict] = {}  # by login in lower case
    tokens: list[str] = []
    orgs: list[str] = []
    applications: dict[str, dict] = {}  # by client_id
    limits: dict[str, int] = {}  # by bucket
    origins: dict[str, set[str]] = {}  # the scopes of each trusted origin
    for call in calls:
        _rate_limit(call, limits)
        _trusted_origin(call, origins)
        token = _api_token(call.request.header("Authorization"))
        if token and token not in tokens:
            tokens.append(token)
        if 200 <= call.status < 300:
            _read(json_body(call.response), users, orgs)
        if succeeded(call, "POST", "/api/v1/authn") and _verified(json_body(call.response)):
            _signed_in(json_body(call.request), users)
        if succeeded(call, "POST", "/v1/token"):
            _token_call(call, applications, users)
    section: dict = {"api_tokens": tokens} if tokens else {}
    if users:
        section["users"] = [_complete(user) for user in users.values()]
    if applications:
        section["applications"] = [_application(app) for app in applications.values()]
    if limits:
        section["settings"] = {"rate_limits": limits}
    if origins:
        section["trusted_origins"] = [_origin(url, scopes) for url, scopes in origins.items()]
    return section | ({"org_id": orgs[0]} if orgs else {})


def _rate_limit(call: RecordedCall, limits: dict[str, int]) -> None:
    """The quota an answer announced for its path's bucket (an org's own: they differ)."""
    bucket = BUCKET.search(path_of(call))
    announced = call.response.header("X-Rate-Limit-Limit") or ""
    if bucket is not None and announced.strip().isdigit():
        limits[bucket[1]] = min(max(int(announced), 1), MOST_PER_WINDOW)


def _trusted_origin(call: RecordedCall, origins: dict[str, set[str]]) -> None:
    """An origin the org sent a browser back to (REDIRECT), or let a page call it (CORS)."""
    if path_of(call).endswith("/login/sessionCookieRedirect") and 300 <= call.status < 400:
        _trust(origins, query_of(call).get("redirectUrl", ""), "REDIRECT")
    sent = call.request.header("Origin")
    if sent and call.response.header("Access-Control-Allow-Origin") == sent:
        _trust(origins, sent, "CORS")


def _trust(origins: dict[str, set[str]], url: str, scope: str) -> None:
    """The URL's origin with `scope`, where it is one the Trusted Origins API takes."""
    origin = origin_of(url)
    if origin is not None and is_origin(origin):
        origins.setdefault(origin, set()).add(scope)


def _origin(url: str, scopes: set[str]) -> dict:
    return {"name": url, "origin": url, "scopes": [{"type": scope} for scope in sorted(scopes)]}


def _api_token(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    return token if scheme.upper() == "SSWS" and API_TOKEN.fullmatch(token) else None


def _read(answer: object, users: dict[str, dict], orgs: list[str]) -> None:
    """The users and org an answer shows: users (an id and a profile with a login, as the
    Users API and authn's _embedded.user show them) and sessions (userId, login, mfaActive,
    idp)."""
    for found in objects(answer):
        profile = found.get("profile")
        if isinstance(profile, dict) and isinstance(profile.get("login"), str):
            names = {name: profile[name] for name in NAMES if isinstance(profile.get(name), str)}
            _add(users, profile["login"], found.get("id"), names)
        elif isinstance(found.get("login"), str) and "userId" in found:
            # mfaActive is the user's by org policy (a live org answered true with no factor)
            mfa = found.get("mfaActive")
            _add(users, found["login"], found["userId"], {"mfaActive": mfa is True})
            idp = found.get("idp")
            org = idp.get("id") if isinstance(idp, dict) else None
            if isinstance(org, str) and ORG_ID.fullmatch(org) and org not in orgs:
                orgs.append(org)


def _verified(answer: object) -> bool:
    """Whether an authn answer took the password: a locked-out user's is a 200 too."""
    return isinstance(answer, dict) and answer.get("status") != "LOCKED_OUT"


def _signed_in(request: object, users: dict[str, dict]) -> None:
    """The username and password of a primary authentication that succeeded."""
    if isinstance(request, dict):
        login, password = request.get("username"), request.get("password")
        if isinstance(login, str) and isinstance(password, str) and login and password:
            _add(users, login, None, {"password": password})


def _token_call(call: RecordedCall, applications: dict[str, dict], users: dict[str, dict]) -> None:
    """A token call that succeeded: its confidential client and grant, and with the password
    grant, its user's credentials."""
    form, client = form_body(call.request), client_of(call)
    grant = form.get("grant_type")
    if client and grant:
        client_id, secret, method = client
        application = applications.setdefault(client_id, {"client_id": client_id, "grants": []})
        application.update(client_secret=secret, token_endpoint_auth_method=method)
        application["grants"] += [grant] if grant not in application["grants"] else []
    if grant == "password" and form.get("username") and form.get("password"):
        _add(users, form["username"], None, {"password": form["password"]})


def _application(found: dict) -> dict:
    """A confidential application of the fixture: a service app when it only took client
    credentials (Okta gives that grant to service apps alone), else a web app."""
    grants = [grant for grant in found["grants"] if grant != "client_credentials"]
    kind = (
        {"application_type": "web", "grant_types": grants}
        if grants
        else {"application_type": "service", "grant_types": ["client_credentials"]}
    )
    keys = ("client_id", "client_secret", "token_endpoint_auth_method")
    return {key: found[key] for key in keys} | kind


def _add(users: dict[str, dict], login: str, user_id: object, known: dict) -> None:
    user = users.setdefault(login.lower(), {"login": login})
    if isinstance(user_id, str) and USER_ID.fullmatch(user_id):
        user["id"] = user_id
    user.update({name: value for name, value in known.items() if value})


def _complete(user: dict) -> dict:
    """A user the fixture schema takes: a login whose password the recording never sent
    gets a random one (no recorded login of it can fail for it); names it never showed, the
    login's local part and "Recorded"."""
    return {
        "password": secrets.token_urlsafe(16),
        "firstName": user["login"].partition("@")[0] or "Recorded",
        "lastName": "Recorded",
        **user,
    }


RECORDED = Recorded(
    codes=(("error",),),  # the OAuth endpoints' {"error", "error_description"}
    summaries=(("errorSummary",), ("errorCauses", "*", "errorSummary"), ("error_description",)),
    seed=infer_seed,
    # An org's URL is its name under Okta's domain, the EMEA cell's or the preview orgs'
    # (developer.okta.com/docs/concepts/okta-organizations); a custom domain needs --map.
    hosts=("*.okta.com", "*.okta-emea.com", "*.oktapreview.com"),
)
