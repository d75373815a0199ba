"""What a vendor's server platform does on every resource, whatever the operation: a
method carried in a POST, OPTIONS, the request media types it takes and the Content-Type
of its JSON answers. An API declares them (Api.conventions); the layer in platform.py
applies them before routing. Each is off unless declared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Conventions:
    override: MethodOverride | None = None
    # OPTIONS on a path with operations: 204 with their methods (and OPTIONS) in Allow.
    options: bool = False
    media_types: MediaTypes | None = None
    # The Content-Type that replaces `application/json` on every answer (a charset).
    json_content_type: str | None = None

    @property
    def any(self) -> bool:
        return bool(self.override or self.options or self.media_types or self.json_content_type)
