"""Small ASGI helpers for the layers around connexion.

Some headers belong on every answer to a request (Date by Sessim's clock, Okta's request id
and rate limit headers). The layers outside connexion decide them and record them in the
scope; they are written onto the answer twice: by ResponseHeaders, the innermost layer in
connexion, so that connexion's response validation sees them, and by the outermost layer,
for answers made outside (errors, a 429 before connexion runs).
"""

from __future__ import annotations

from collections.abc import Mapping

from connexion.lifecycle import ConnexionResponse
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS_KEY = "sessim.response_headers"


def set_response_headers(scope: Scope, headers: Mapping[str, str]) -> None:
    """Headers every answer to this request carries (connexion's copies of the scope share
    this dict, so it reaches the layers inside)."""
    scope.setdefault(HEADERS_KEY, {}).update(headers)


def with_response_headers(scope: Scope, send: Send) -> Send:
    """`send`, setting the request's recorded headers on the answer (replacing any of the
    same name), as they stand when the answer starts."""

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            extra = [
                (name.lower().encode("latin-1"), value.encode("latin-1"))
                for name, value in scope.get(HEADERS_KEY, {}).items()
            ]
            names = {name for name, _ in extra}
            kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
            message = {**message, "headers": kept + extra}
        await send(message)

    return send_with_headers


class ResponseHeaders:
    """connexion middleware, innermost: the recorded headers on the handler's answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            send = with_response_headers(scope, send)
        await self.app(scope, receive, send)


def to_asgi(response: ConnexionResponse) -> Response:
    """A response built for connexion, sent by a layer outside it."""
    return Response(response.body, response.status_code, headers=response.headers)
