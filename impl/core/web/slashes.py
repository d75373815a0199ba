"""A path with a trailing slash is answered, never redirected.

Starlette's router answers such a path with a 307 to the path without the slash: a hop no
vendor makes, and one some HTTP clients do not follow for a POST or DELETE. Sessim takes the
slash off before routing; each API says what its vendor answers there (Api.trailing_slash).
"""

from __future__ import annotations

from enum import StrEnum

from starlette.types import Scope

from .problems import Kind, Problem


class TrailingSlash(StrEnum):
    SAME = "same"  # the answer of the path without the slash (where the vendor does not say)
    METHOD_NOT_ALLOWED = "method_not_allowed"  # 405 with the Allow of the path without it


def has_trailing_slash(path: str) -> bool:
    return len(path) > 1 and path.endswith("/")


def strip_trailing_slash(scope: Scope) -> None:
    """The scope's path (and raw path) without trailing slashes, in place."""
    scope["path"] = scope["path"].rstrip("/") or "/"
    if isinstance(scope.get("raw_path"), bytes):
        scope["raw_path"] = scope["raw_path"].rstrip(b"/") or b"/"


def add_trailing_slash(scope: Scope) -> None:
    """The scope's path (and raw path) with a trailing slash, in place: a mount's root
    (the inspector at /_admin) answered as its page at /_admin/, not redirected there."""
    scope["path"] += "/"
    if isinstance(scope.get("raw_path"), bytes):
        scope["raw_path"] += b"/"


def method_not_allowed(method: str, allow: list[str]) -> Problem:
    """The 405 of a path that has other methods, with its Allow header."""
    methods = ", ".join(allow)
    detail = f"{method} is not allowed here; use {methods}."
    return Problem(Kind.METHOD_NOT_ALLOWED, detail, 405, {"Allow": methods})
