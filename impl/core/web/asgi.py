"""Small ASGI helpers for the layers around connexion.

Some headers belong on every answer to a request (Date by Sessim's clock, Okta's request id
and rate limit headers). The layers outside connexion decide them and record them in the
scope; they are written onto the answer twice: by ResponseHeaders, the innermost layer in
connexion, so that connexion's response validation sees them, and by the outermost layer,
for answers made outside (errors, a 429 before connexion runs). Cookies are recorded the
same way, by name, and sent as one Set-Cookie header each; where a vendor asked for
cookies a browser sends cross-site (cookies.py), every Set-Cookie is written so here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from connexion.lifecycle import ConnexionResponse
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .cookies import cross_site, sends_cross_site

HEADERS_KEY = "sessim.response_headers"
COOKIES_KEY = "sessim.response_cookies"
SET_COOKIE = b"set-cookie"
# In the scope's extensions (shared by connexion's copies of the scope): the header list the
# inner writer made, so that the outer one passes an answer that still carries it as it is.
WRITTEN_KEY = "sessim.headers_written"
NAMES_KEPT = 256
_NAMES: dict[str, bytes] = {}


def set_response_headers(scope: Scope, headers: Mapping[str, str]) -> None:
    """Headers every answer to this request carries (connexion's copies of the scope share
    this dict, so it reaches the layers inside)."""
    scope.setdefault(HEADERS_KEY, {}).update(headers)


def set_response_cookies(scope: Scope, cookies: Mapping[str, str]) -> None:
    """Cookies every answer to this request sets: name -> the whole Set-Cookie value. They
    replace cookies of the same name recorded earlier and are sent before the others. Like
    the headers, the dict is changed in place so that the scope's copies share it."""
    recorded = scope.setdefault(COOKIES_KEY, {})
    if not recorded:  # the first cookies recorded (Front records none): nothing to reorder
        recorded.update(cookies)
        return
    others = {name: value for name, value in recorded.items() if name not in cookies}
    recorded.clear()
    recorded.update({**cookies, **others})


def _cookie_name(value: bytes) -> bytes:
    return value.split(b"=", 1)[0].strip()


def _cross_site(header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    name, value = header
    if name.lower() != SET_COOKIE:
        return header
    return name, cross_site(value.decode("latin-1")).encode("latin-1")


def with_response_headers(scope: Scope, send: Send) -> Send:
    """`send`, setting the request's recorded headers and cookies on the answer (replacing
    any of the same name), as they stand when the answer starts (none are recorded after:
    an answer that still carries the list an inner writer made is passed as it is)."""
    scope.setdefault("extensions", {})

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = headers_written(scope, message)
        await send(message)

    return send_with_headers


def headers_written(scope: Scope, start: Message) -> Message:
    """The answer's start message with the recorded headers and cookies written, as
    with_response_headers sends it (for a layer that wraps `send` for its own ends too)."""
    extensions = scope["extensions"]
    written = extensions.get(WRITTEN_KEY)
    if written is not None and start.get("headers") is written:
        return start
    headers = _with_recorded(scope, start.get("headers", []))
    extensions[WRITTEN_KEY] = headers
    return {**start, "headers": headers}


def _with_recorded(scope: Scope, given: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The answer's headers with the recorded ones (and cookies) in place of any of the
    same name, after those it keeps."""
    extra = [(_encoded_name(name), value.encode("latin-1")) for name, value in _recorded(scope)]
    cookies = [value.encode("latin-1") for value in scope.get(COOKIES_KEY, {}).values()]
    names = {name for name, _ in extra}
    cookie_names: set[bytes] | None = None  # made only for an answer setting cookies itself
    kept = []
    for header in given:
        name = header[0].lower()
        if name in names:
            continue
        if name == SET_COOKIE and cookies:
            if cookie_names is None:
                cookie_names = {_cookie_name(value) for value in cookies}
            if _cookie_name(header[1]) in cookie_names:
                continue
        kept.append(header)
    headers = kept + extra + [(SET_COOKIE, value) for value in cookies]
    if sends_cross_site(scope):
        return [_cross_site(header) for header in headers]
    return headers


def _recorded(scope: Scope) -> Iterable[tuple[str, str]]:
    return scope.get(HEADERS_KEY, {}).items()


def _encoded_name(name: str) -> bytes:
    """A recorded header's name as it is written (lower case, Latin-1), once per name: the
    names are Sessim's own, a few dozen at most."""
    encoded = _NAMES.get(name)
    if encoded is None:
        encoded = name.lower().encode("latin-1")
        if len(_NAMES) < NAMES_KEPT:
            _NAMES[name] = encoded
    return encoded


class ResponseHeaders:
    """connexion middleware, innermost: the recorded headers on the handler's answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            send = with_response_headers(scope, send)
        await self.app(scope, receive, send)

    def around(self, app: ASGIApp) -> ResponseHeaders:
        """The same layer around one operation's chain (operations.PerOperation)."""
        return ResponseHeaders(app)


def to_asgi(response: ConnexionResponse) -> Response:
    """A response built for connexion, sent by a layer outside it."""
    return Response(response.body, response.status_code, headers=response.headers)
