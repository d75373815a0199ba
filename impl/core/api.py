"""What the app factory needs to mount one API: its spec, base path, handlers, how it renders
errors (per operation where formats differ under one mount), its fixture loader and its edge."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from connexion.lifecycle import ConnexionResponse
from starlette.types import ASGIApp

from .problems import Problem
from .runtime import Action, FixtureLoader, StateView
from .slashes import TrailingSlash

Renderer = Callable[[Problem], ConnexionResponse]
# Wraps the app for the requests under one mount (base path): what a vendor does before
# and after connexion, such as rate limits and headers on every response, errors included.
Edge = Callable[[ASGIApp, str], ASGIApp]


@dataclass(frozen=True)
class Api:
    name: str  # the fixture section and the --api choice
    spec: str  # file name under openapi/
    base_path: str
    handlers: str  # module whose functions the operationIds resolve to
    render: Renderer  # errors of the API's operations, and of paths no operation matched
    loader: FixtureLoader | None = None
    edge: Edge | None = None
    # operationId -> renderer, for operations whose errors take another format (OAuth's).
    renderers: Mapping[str, Renderer] = field(default_factory=dict)
    # How a path with a trailing slash is answered (never with a redirect).
    trailing_slash: TrailingSlash = TrailingSlash.SAME
    # name -> view of the vendor's state that the admin API serves (SFCC's storefront).
    views: Mapping[str, StateView] = field(default_factory=dict)
    # name -> action the admin API runs for the vendor (Optimizely's PunchOut start).
    actions: Mapping[str, Action] = field(default_factory=dict)

    def handler(self, operation_id: str) -> str:
        """The function an operationId resolves to: createSession -> <handlers>.create_session."""
        return f"{self.handlers}.{re.sub(r'(?<!^)(?=[A-Z])', '_', operation_id).lower()}"

    def operation_ids(self, spec: dict) -> dict[str, str]:
        """handler -> operationId, of every operation of spec (this API's)."""
        return {
            self.handler(operation["operationId"]): operation["operationId"]
            for item in spec.get("paths", {}).values()
            for operation in item.values()
            if isinstance(operation, dict) and "operationId" in operation
        }

    def renderer(self, handler: str | None) -> Renderer:
        """The renderer of the operation whose handler the router picked (None: no route)."""
        special = (render for op, render in self.renderers.items() if self.handler(op) == handler)
        return next(special, self.render)

    def all_renderers(self) -> list[Renderer]:
        return [self.render, *self.renderers.values()]
