"""What a vendor's server platform does on every resource, whatever the operation: a
method carried in a POST, OPTIONS, the request media types it takes, the Content-Type
of its JSON answers and its answers to pages on other origins (CORS). An API declares them
(Api.conventions); the layer in platform.py applies them before routing, cors.py's the
cross-origin ones outside the vendor's edge. Each is off unless declared."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.types import Scope

from ..kit.errors import SessimError


@dataclass(frozen=True)
class MethodOverride:
    """A POST that names another method in a header (or a query parameter) is served as
    that method. Only a POST is read, as the common middlewares do (express's
    method-override, ASP.NET Core's UseHttpMethodOverride, Jersey's filter)."""

    header: str
    methods: frozenset[str]  # the values taken, as sent (case-sensitive)
    refuse: Callable[[str], SessimError]  # another value -> the error answered
    query: str | None = None  # the query parameter that may carry it instead


@dataclass(frozen=True)
class MediaTypes:
    """The media types a request body may have; a non-empty body in another is refused
    before routing's own checks (a body-less request is never refused)."""

    accepted: frozenset[str]
    refuse: Callable[[str], SessimError]  # the Content-Type sent -> the error answered


# (the request's scope, its Origin) -> whether the vendor allows that origin here.
Allows = Callable[[Scope, str], Awaitable[bool]]


@dataclass(frozen=True)
class Cors:
    """Which operations answer a page on another origin, and how (cors.py applies it)."""

    allows: Allows
    # Whether an operation (its object in the spec) answers cross-origin requests; the
    # others never do.
    enabled: Callable[[dict], bool]
    credentials: bool = True
    exposed: tuple[str, ...] = ()
    # The request headers a preflight may ask for; None: whatever it asks for.
    allowed_headers: tuple[str, ...] | None = None
    max_age: int | None = None
    preflight_status: int = 200
    # An origin not allowed -> the error answered (preflight or not); None: served as if
    # no Origin were sent.
    refuse: Callable[[str], SessimError] | None = None
    # Where `refuse` is None: the error a preflight from an origin not allowed gets (the
    # request itself is then served without CORS headers, as ASP.NET's CORS handler does).
    refuse_preflight: Callable[[str], SessimError] | None = None
    # Whether the layer runs inside the vendor's edge: an edge that rewrites paths (SFCC's
    # host-mapped form) must have run before the operation is found. Outside, a preflight
    # meets none of what an edge does (Okta's rate limits).
    inside_edge: bool = False


@dataclass(frozen=True)
class Conventions:
    override: MethodOverride | None = None
    # OPTIONS on a path with operations: 204 with their methods (and OPTIONS) in Allow.
    options: bool = False
    media_types: MediaTypes | None = None
    # The Content-Type that replaces `application/json` on every answer (a charset).
    json_content_type: str | None = None
    # Cross-origin requests (cors.py): none are answered unless declared.
    cors: Cors | None = None

    @property
    def any(self) -> bool:
        return bool(self.override or self.options or self.media_types or self.json_content_type)
