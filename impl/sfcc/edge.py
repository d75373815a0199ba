"""OCAPI's host-mapped URL form: a storefront on its own hostname calls `/dw/shop/v20_8/...`
without `/s/{site_id}`, and the hostname's alias names the site. Where the fixture names a
default site, such a path is served as that site's; without one it is left as it came, and
answered 404 ResourcePathNotFoundException as any unknown path."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from ..core.kit.runtime import SCOPE_KEY
from ..core.web.slashes import has_trailing_slash, strip_trailing_slash
from .state import sfcc
from .urls import HOST_MAPPED


class HostMapped:
    def __init__(self, app: ASGIApp, base_path: str) -> None:
        self.app = app
        self.base_path = base_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.base_path + HOST_MAPPED):
            site = (await sfcc(scope[SCOPE_KEY])).host_site
            if site is not None:
                _insert_site(scope, len(self.base_path), site)
        await self.app(scope, receive, send)


def _insert_site(scope: Scope, at: int, site: str) -> None:
    """The scope's path (and raw path) with `/s/{site}` after the base path, in place; a
    trailing slash goes, as on the site's own paths (Front took it off those)."""
    segment = f"/s/{site}"
    scope["path"] = scope["path"][:at] + segment + scope["path"][at:]
    raw = scope.get("raw_path")
    if isinstance(raw, bytes):
        scope["raw_path"] = raw[:at] + segment.encode() + raw[at:]
    if has_trailing_slash(scope["path"]):
        strip_trailing_slash(scope)
