"""Security functions named by the declaration, bound into its spec.

A spec's securitySchemes say what a credential looks like; the API's declaration says which
function judges it (`Api.security`: scheme name -> function or dotted name). When the spec is
mounted, each scheme gets the x-*InfoFunc key connexion reads for its type, so the spec files
name no Python paths. A scheme an operation uses without a declared handler, or a handler
for a scheme the spec lacks, stops the start with a message naming it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .api import SecurityFunction
from .routes import HTTP_METHODS


class SecurityDeclarationError(ValueError):
    """The spec's security schemes and the declaration's handlers disagree."""


def info_key(scheme: Mapping[str, Any]) -> str:
    """The key connexion reads a scheme's function from (x-bearerInfoFunc for a bearer)."""
    kind = scheme.get("type")
    if kind == "http":
        return f"x-{str(scheme.get('scheme', '')).lower()}InfoFunc"
    if kind == "apiKey":
        return "x-apikeyInfoFunc"
    if kind in ("oauth2", "openIdConnect"):
        return "x-tokenInfoFunc"
    raise SecurityDeclarationError(f"no security handler type for a scheme of type {kind!r}")


def dotted_name(function: SecurityFunction | str) -> str:
    if isinstance(function, str):
        return function
    return f"{function.__module__}.{function.__qualname__}"


def with_handlers(spec: dict, api: str, handlers: Mapping[str, SecurityFunction | str]) -> dict:
    """The spec with each scheme's x-*InfoFunc from the declaration's handlers."""
    schemes: dict[str, dict] = spec.get("components", {}).get("securitySchemes", {})
    unknown = sorted(set(handlers) - set(schemes))
    if unknown:
        raise SecurityDeclarationError(
            f"{api}: the declaration names security handlers for {', '.join(unknown)}, "
            "which the spec's securitySchemes do not define"
        )
    for name, scheme in schemes.items():
        named = [key for key in scheme if key.endswith(("InfoFunc", "InfoUrl"))]
        if named:
            raise SecurityDeclarationError(
                f"{api}: the spec's security scheme {name!r} names {named[0]}: its handler "
                "belongs in the declaration's `security`"
            )
        if name in handlers:
            scheme[info_key(scheme)] = dotted_name(handlers[name])
    for name, operation in _used_schemes(spec):
        if name not in handlers:
            raise SecurityDeclarationError(
                f"{api}: the spec's security scheme {name!r} (used by {operation}) has no "
                "handler in the declaration's `security`"
            )
    return spec


def _used_schemes(spec: dict) -> Iterator[tuple[str, str]]:
    """(scheme, operationId) for each scheme an operation's security (or the spec's) uses."""
    default = spec.get("security", [])
    for item in spec.get("paths", {}).values():
        for method in HTTP_METHODS:
            if method in item:
                operation = item[method]
                for requirement in operation.get("security", default):
                    for name in requirement:
                        yield name, operation.get("operationId", method.upper())
