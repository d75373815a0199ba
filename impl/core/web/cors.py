"""Cross-origin requests as a vendor's server answers them, written once: a vendor declares
its policy (conventions.Cors) and this layer, outermost on its mount, applies it.

A request with an `Origin` for an operation the policy enables, from an origin the vendor
allows for this request, gets its answer (errors included) decorated with the
Access-Control-* headers; its preflight (OPTIONS with Access-Control-Request-Method) is
answered here, before rate limits, faults or routing. An origin not allowed gets what the
vendor gives it: its refusal when the policy names one (for its preflight alone, or for
every request), else the answer the request gets without any CORS header (the browser then
keeps it from the page).

Origins trusted by `--allow-origin` (a development convenience no real vendor has) are
allowed on every enabled operation before the vendor's own check; a vendor that declares no
policy then gets one that enables every operation and allows no other origin."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ..kit.errors import SessimError
from .api import Api
from .asgi import set_response_headers, to_asgi
from .conventions import Cors
from .headers import first_header
from .platform import served_method
from .problems import to_problem
from .routes import HTTP_METHODS, RouteTable

ORIGIN = b"origin"


class CrossOrigin:
    """The ASGI layer of a mount whose API declares a Cors policy."""

    def __init__(
        self,
        app: ASGIApp,
        api: Api,
        cors: Cors,
        routes: RouteTable,
        spec: dict,
        trusted: Collection[str] = (),
    ) -> None:
        self.app = app
        self.api = api
        self.cors = cors
        self.routes = routes
        self.operations = frozenset(_enabled(spec, self.cors))
        self.trusted = frozenset(trusted)  # --allow-origin's

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = first_header(scope, ORIGIN) if scope["type"] == "http" else None
        answer = None if origin is None else await self._answer(scope, origin)
        await (answer or self.app)(scope, receive, send)

    async def _answer(self, scope: Scope, origin: str) -> ASGIApp | None:
        """What this layer answers itself (a preflight, a refusal) to a request from
        `origin`; None when the request goes on, the CORS headers its answer must carry
        recorded."""
        headers = Headers(scope=scope)
        preflight = scope["method"] == "OPTIONS" and "access-control-request-method" in headers
        path = scope["path"]
        methods = self._methods(path) if preflight else []
        if preflight:
            enabled = headers["access-control-request-method"] in methods
        else:
            enabled = self.routes.operation_at(self._served(scope), path) in self.operations
        if not enabled:
            return None
        if origin not in self.trusted and not await self.cors.allows(scope, origin):
            refuse = self.cors.refuse or (self.cors.refuse_preflight if preflight else None)
            return None if refuse is None else to_asgi(self.api.render(to_problem(refuse(origin))))
        allowed = self._allowed_origin(origin)
        if preflight:
            answer = {**allowed, **self._preflight(methods, headers)}
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

    def _served(self, scope: Scope) -> str:
        """The method the request is served as, after the platform's method override (one
        the override refuses: its own, and the platform answers the refusal)."""
        override = self.api.conventions.override
        if override is None:
            return str(scope["method"])
        try:
            return served_method(scope, override)
        except SessimError:
            return str(scope["method"])

    def _methods(self, path: str) -> list[str]:
        """The methods of the path that answer cross-origin; POST too where a method
        override lets a POST carry any of them."""
        methods = [
            method
            for method in self.routes.allowed(path)
            if self.routes.operation_at(method, path) in self.operations
        ]
        if methods and self.api.conventions.override and "POST" not in methods:
            methods.append("POST")
        return methods

    def _preflight(self, methods: list[str], headers: Headers) -> dict[str, str]:
        """The methods of the path that answer cross-origin (_methods'), the request headers
        taken and how long a browser may keep the answer."""
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


async def _none(scope: Scope, origin: str) -> bool:
    return False


# The policy of a vendor that declares none, under --allow-origin: every operation answers
# the origins it trusts, and no other.
DEVELOPMENT = Cors(_none, lambda operation: True)
