"""connexion's Swagger UI middleware, out of the way of every request but the docs' own.

connexion 3.3 sends every request through the Swagger UI's Starlette router (one Mount per
API, then its routes) before it reaches the API's own routing: a few dozen microseconds on
each call. This subclass first checks the path against the prefixes of the routes it serves
(the spec files and the UI, under each API's base path), one C-level startswith; any other
path goes straight to the next app. A prefix may match more than the routes do (those take
the router as before); it never matches less. Written so that it could be offered upstream.
"""

from __future__ import annotations

from typing import Any

from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from starlette.routing import BaseRoute, Mount
from starlette.types import Receive, Scope, Send


class SwaggerUIAside(SwaggerUIMiddleware):
    def __init__(self, app: Any, **options: Any) -> None:
        super().__init__(app, **options)
        self._prefixes: tuple[str, ...] = ()

    def add_api(self, *args: Any, **kwargs: Any) -> None:
        super().add_api(*args, **kwargs)
        mount = self.router.routes[-1]  # the API's Mount, just added
        assert isinstance(mount, Mount)
        prefixes = (mount.path + _static_prefix(route) for route in mount.routes)
        self._prefixes = tuple(dict.fromkeys((*self._prefixes, *prefixes)))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(self._prefixes):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _static_prefix(route: BaseRoute) -> str:
    """The part of a route's path before its first parameter."""
    return getattr(route, "path", "").split("{", 1)[0]
