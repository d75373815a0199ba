"""Cross-origin requests as a vendor's server answers them, written once: a vendor declares
its policy (conventions.Cors) and this layer, outermost on its mount, applies it.

A request with an `Origin` for an operation the policy enables, from an origin the vendor
allows for this request, gets its answer (errors included) decorated with the
Access-Control-* headers; its preflight (OPTIONS with Access-Control-Request-Method) is
answered here, before rate limits, faults or routing. An origin not allowed gets what the
vendor gives it: its refusal when the policy names one, else the answer the request gets
without any CORS header (the browser then keeps it from the page)."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .api import Api
from .asgi import set_response_headers, to_asgi
from .conventions import Cors
from .problems import to_problem
from .routes import HTTP_METHODS, RouteTable


class CrossOrigin:
    """The ASGI layer of a mount whose API declares a Cors policy."""

    def __init__(self, app: ASGIApp, api: Api, cors: Cors, routes: RouteTable, spec: dict) -> None:
        self.app = app
        self.api = api
        self.cors = cors
        self.routes = routes
        self.operations = frozenset(_enabled(spec, self.cors))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = await self._answer(scope) if scope["type"] == "http" else None
        await (answer or self.app)(scope, receive, send)

    async def _answer(self, scope: Scope) -> ASGIApp | None:
        """What this layer answers itself (a preflight, a refusal); None when the request
        goes on, the CORS headers its answer must carry recorded."""
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:
            return None
        preflight = scope["method"] == "OPTIONS" and "access-control-request-method" in headers
        method = headers["access-control-request-method"] if preflight else scope["method"]
        if self.routes.operation_at(method, scope["path"]) not in self.operations:
            return None
        if not await self.cors.allows(scope, origin):
            refuse = self.cors.refuse
            return None if refuse is None else to_asgi(self.api.render(to_problem(refuse(origin))))
        allowed = self._allowed_origin(origin)
        if preflight:
            answer = {**allowed, **self._preflight(scope["path"], headers)}
            return Response(status_code=self.cors.preflight_status, headers=answer)
        set_response_headers(scope, {**allowed, **self._exposed()})
        return None

    def _allowed_origin(self, origin: str) -> dict[str, str]:
        headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        if self.cors.credentials:
            headers["Access-Control-Allow-Credentials"] = "true"
        return headers

    def _exposed(self) -> dict[str, str]:
        if not self.cors.exposed:
            return {}
        return {"Access-Control-Expose-Headers": ", ".join(self.cors.exposed)}

    def _preflight(self, path: str, headers: Headers) -> dict[str, str]:
        """The methods of the path that answer cross-origin, the request headers taken and
        how long a browser may keep the answer."""
        methods = [
            method
            for method in self.routes.allowed(path)
            if self.routes.operation_at(method, path) in self.operations
        ]
        answer = {"Access-Control-Allow-Methods": ", ".join(methods)}
        requested = headers.get("access-control-request-headers", "").strip()
        taken = _headers_taken(requested, self.cors.allowed_headers)
        if taken:
            answer["Access-Control-Allow-Headers"] = taken
        if self.cors.max_age is not None:
            answer["Access-Control-Max-Age"] = str(self.cors.max_age)
        return answer


def _enabled(spec: dict, cors: Cors) -> Iterator[str]:
    """The operationIds of the spec that the policy enables."""
    for item in spec.get("paths", {}).values():
        for method in HTTP_METHODS:
            if method in item and cors.enabled(item[method]):
                yield item[method]["operationId"]


def _headers_taken(requested: str, allowed: Collection[str] | None) -> str:
    """The headers a preflight's answer allows: those asked for, or the policy's own list."""
    return requested if allowed is None else ", ".join(allowed)
