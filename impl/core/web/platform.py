"""The ASGI layer that applies an API's Conventions (conventions.py) to the requests under
its mount, between the vendor's edge and the fault rules, so that both those rules and the
journal (which reads the scope's method once answered) see a request as its method
override made it."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..kit.errors import SessimError
from .api import Api
from .asgi import to_asgi
from .conventions import MediaTypes, MethodOverride
from .problems import to_problem
from .routes import RouteTable

JSON = "application/json"


class Platform:
    def __init__(self, app: ASGIApp, api: Api, routes: RouteTable) -> None:
        self.app = app
        self.api = api
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conventions = self.api.conventions
        if conventions.json_content_type:
            send = _with_json_type(send, conventions.json_content_type.encode("latin-1"))
        try:
            if conventions.override:
                _override(scope, conventions.override)
            if conventions.options and scope["method"] == "OPTIONS":
                allow = self.routes.allowed(scope["path"])
                if allow:  # else the 404 of an unknown path
                    headers = {"Allow": ", ".join([*allow, "OPTIONS"])}
                    await Response(status_code=204, headers=headers)(scope, receive, send)
                    return
            if conventions.media_types:
                self._check_media_type(scope, conventions.media_types)
        except SessimError as error:
            await to_asgi(self.api.render(to_problem(error)))(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _check_media_type(self, scope: Scope, media_types: MediaTypes) -> None:
        """Refuses a body in another media type, on a path and method that name an operation
        (others get their 404 or 405). A body-less request in one loses its Content-Type
        instead, so that no layer below parses the body it names (an empty form)."""
        headers = Headers(scope=scope)
        content_type = headers.get("content-type")
        if content_type is None:
            return
        media_type = content_type.partition(";")[0].strip()
        if media_type.lower() in media_types.accepted:
            return
        if self.routes.operation_at(scope["method"], scope["path"]) is None:
            return
        if headers.get("content-length", "0").strip() not in ("", "0") or (
            "transfer-encoding" in headers
        ):
            raise media_types.refuse(media_type)
        scope["headers"] = [
            (name, value) for name, value in scope["headers"] if name != b"content-type"
        ]


def _override(scope: Scope, override: MethodOverride) -> None:
    """A POST's method as its override names it, in place. The query keeps the parameter:
    no operation declares it, and the journal shows it sent."""
    scope["method"] = served_method(scope, override)


def served_method(scope: Scope, override: MethodOverride) -> str:
    """The method a request is served as: a POST's as its header (else its query parameter)
    names it, any other's its own; a value the override does not take raises its error."""
    if scope["method"] != "POST":
        return str(scope["method"])
    method = Headers(scope=scope).get(override.header, "").strip()
    if not method and override.query:
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        method = next((value for name, value in query if name == override.query), "")
    if not method:
        return "POST"
    if method not in override.methods:
        raise override.refuse(method)
    return method


def _with_json_type(send: Send, json_type: bytes) -> Send:
    """`send`, its answers' `application/json` Content-Type replaced by `json_type`."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (name, json_type if name == b"content-type" and _is_json(value) else value)
                for name, value in message.get("headers", [])
            ]
            message = {**message, "headers": headers}
        await send(message)

    return sending


def _is_json(content_type: bytes) -> bool:
    return content_type.decode("latin-1").strip().lower() == JSON
