"""The admin API's outermost layer: what keeps other web sites and other networks out of it
(docs/security.md).

- A request whose Host the admin API does not answer on (hosts.py) is refused, whatever
  its method: a DNS-rebinding page could otherwise read the journal and the state. Health
  alone answers any Host: it tells nothing, and readiness probes from other containers
  name Sessim by their own names for it.
- A state-changing operation (POST, PUT, PATCH, DELETE) is refused when the browser says it
  comes from a page of another origin (`Origin` not Sessim's own, `Sec-Fetch-Site`
  cross-site or same-site), and when it carries none of what a form or a no-cors fetch
  cannot send: a JSON body (`Content-Type: application/json`), the header X-Sessim-Admin
  (any value), or an `Authorization: Bearer` header. Sessim's own clients send one (the
  inspector page and the admin client X-Sessim-Admin, the contract runs a bearer). A method
  and path that name no operation are left to their 404 or 405: they change nothing.
- With an admin token, repeated failures of one client are slowed down (throttle.py), but
  for clients on loopback: this machine's own programs (a contract run probes with wrong
  tokens by the hundred), which no web page can stand in for here (the Host check keeps
  rebinding pages out, and without CORS no page can send a token at all).

Each refusal is a 403 problem naming why. No CORS layer wraps the admin API, whatever
--allow-origin trusts: a page on another origin can never read its answers.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from ..core.kit.errors import Forbidden
from ..core.web.asgi import to_asgi
from ..core.web.problems import to_problem
from ..core.web.routes import RouteTable
from .api import API
from .hosts import AllowedHosts, host_name
from .throttle import Throttle

HEALTH = "getHealth"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The header Sessim's own clients mark their state-changing calls with.
MARK = "x-sessim-admin"
JSON = "application/json"
# Sec-Fetch-Site values of a request a page on another origin made.
FOREIGN_SITES = frozenset({"cross-site", "same-site"})
DEFAULT_PORTS = {"http": 80, "https": 443}


class AdminGuard:
    def __init__(
        self, app: ASGIApp, routes: RouteTable, hosts: AllowedHosts, throttle: Throttle | None
    ) -> None:
        self.app = app
        self.routes = routes
        self.hosts = hosts
        self.throttle = throttle  # None: no token to guess

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await to_asgi(API.render(to_problem(Forbidden(refusal))))(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else ""
        if self.throttle is None or "authorization" not in headers or _loopback(client):
            await self.app(scope, receive, send)
            return
        await self.throttle.wait(client)
        await self.app(scope, receive, self.throttle.watching(client, send))

    def _refusal(self, scope: Scope, headers: Headers) -> str | None:
        """Why the request is refused; None when it is not."""
        method = scope["method"]
        operation = self.routes.operation_at(method, scope["path"])
        host = headers.get("host")
        if operation != HEALTH and not self.hosts.allows(host):
            return unknown_host(host or "")
        if operation and method in STATE_CHANGING:
            return cross_site(scope, headers)
        return None


def unknown_host(host: str) -> str:
    name = host_name(host) or host
    return (
        f"The Host header names {name!r}, which Sessim's admin API does not answer on: a web "
        "page on another site can point its own name at this machine (DNS rebinding) to "
        f"read it. To reach the admin API by this name, start Sessim with --allowed-host "
        f"{name} (or SESSIM_ALLOWED_HOST={name})."
    )


def cross_site(scope: Scope, headers: Headers) -> str | None:
    """Why a state-changing call is refused as one a page on another site could make."""
    own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
    origin = headers.get("origin")
    if origin is not None and _origin(origin) != _origin(own):
        return (
            f"A page of {origin} may not change Sessim's state: only Sessim's own pages "
            f"({own}) and clients outside a browser may (the admin API answers no other "
            "origin, whatever --allow-origin trusts)."
        )
    site = headers.get("sec-fetch-site", "").strip().lower()
    if site in FOREIGN_SITES:
        return (
            f"The browser sent this call from a page of another origin (Sec-Fetch-Site: "
            f"{site}): only Sessim's own pages and clients outside a browser may change "
            "Sessim's state."
        )
    media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type == JSON or headers.get(MARK, "").strip() or _bearer(headers):
        return None
    return (
        "A call that changes Sessim's state needs a JSON body (Content-Type: "
        "application/json), the header X-Sessim-Admin (any value) or an Authorization: "
        "Bearer header: a form or a no-cors fetch on another web site can send none of them."
    )


def _loopback(client: str) -> bool:
    try:
        return ipaddress.ip_address(client).is_loopback
    except ValueError:
        return False


def _bearer(headers: Headers) -> bool:
    return headers.get("authorization", "").strip().lower().startswith("bearer ")


def _origin(url: str) -> tuple[str, str | None, int | None]:
    """An origin's scheme, host and port (the scheme's default when none is given); a
    value that is no origin (`null`) compares equal to none."""
    try:
        parts = urlsplit(url.strip().lower())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return "", None, None
    return parts.scheme, parts.hostname and parts.hostname.rstrip("."), port
