"""What a request that no operation answered almost matched, and why: the most common
mistakes of a new user (a wrong method, a path without its API's base path or under another
API's, a trailing slash, a difference in case), and the mistakes a vendor knows of its own
URLs (Api.near_paths: SFCC's version segment).

Only for answers 404 and 405, and off the request's path (the journal builds entries after
the answer is sent). A request that an operation answered itself (a 404 for an unknown id)
has none, unless its vendor's hook finds its URL a near miss.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ....generated.dicts.admin import NearMiss
from ...web.routes import Route, RouteTable

STATUSES = (404, 405)
LIMIT = 5
# How near each kind of miss is: the nearest come first.
WRONG_METHOD, SLIP, NO_BASE, OTHER_BASE = range(4)


def near_misses(routes: RouteTable, method: str, path: str) -> list[NearMiss]:
    """The operations (as the journal's NearMiss) the request almost matched, nearest first:
    by kind of miss, then the paths with fewer parameters (a literal match is nearer)."""
    found: dict[tuple[str, str], tuple[tuple[int, int], NearMiss]] = {}
    for route in routes:
        for rank, operation_id, reason in _misses(route, method, path):
            key = (route.api.name, operation_id)
            nearness = (rank, route.template.count("{"))
            if key not in found or nearness < found[key][0]:
                found[key] = (nearness, _near_miss(route, operation_id, reason))
    ranked = sorted(found.values(), key=lambda pair: pair[0])
    return [miss for _nearness, miss in ranked[:LIMIT]]


def _near_miss(route: Route, operation_id: str, reason: str) -> NearMiss:
    method = next(m for m, op in route.operations.items() if op == operation_id)
    return {
        "vendor": route.api.name,
        "operationId": operation_id,
        "method": method,
        "path": route.path,
        "reason": reason,
    }


def _misses(route: Route, method: str, path: str) -> Iterator[tuple[int, str, str]]:
    exact = route.pattern.fullmatch(path) is not None
    if exact and method not in route.operations:
        for other, operation_id in route.operations.items():
            yield WRONG_METHOD, operation_id, f"{route.path} takes {other}, not {method}"
    for rank, candidate, reason in _candidates(route, path):
        if route.pattern.fullmatch(candidate):
            for operation_id, why in _by_method(route, method, reason):
                yield rank, operation_id, why
    if not exact and re.fullmatch(route.pattern.pattern, path, re.IGNORECASE):
        reason = f"the path differs in case from {route.path}"
        for operation_id, why in _by_method(route, method, reason):
            yield SLIP, operation_id, why


def _candidates(route: Route, path: str) -> Iterator[tuple[int, str, str]]:
    """Paths the request may have meant for this route: rank, path, what was wrong."""
    base, name = route.base_path, route.api.name
    if len(path) > 1 and path.endswith("/"):
        yield SLIP, path.rstrip("/"), f"the path ends with a slash; {route.path} has none"
    if _under(base, path):
        for corrected, reason in route.api.near_paths(path[len(base) :]):
            yield SLIP, base + corrected, reason
        return
    yield NO_BASE, base + path, f"the path lacks {name}'s base path {base}"
    first, rest = _first_segment(path)
    if rest:
        reason = f"the path is under {first}, {name}'s operations under {base}"
        yield OTHER_BASE, base + rest, reason


def _by_method(route: Route, method: str, reason: str) -> Iterator[tuple[str, str]]:
    """The route's operation for the request's method; else each, saying it takes another."""
    if method in route.operations:
        yield route.operations[method], reason
        return
    for other, operation_id in route.operations.items():
        yield operation_id, f"{reason}, and it takes {other}, not {method}"


def _under(base: str, path: str) -> bool:
    return base == "" or path == base or path.startswith(base + "/")


def _first_segment(path: str) -> tuple[str, str]:
    """/okta/api/v1/sessions -> ("/okta", "/api/v1/sessions")."""
    slash = path.find("/", 1)
    return (path, "") if slash < 0 else (path[:slash], path[slash:])
