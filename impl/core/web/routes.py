"""Every spec path of every mount, with its methods and operationIds: the Allow header of a
405 (connexion's own lists only the first matching route's methods), the operation a request
was meant for when connexion never routed it or has not routed it yet (fault rules run
before it), and what the journal's near misses compare.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .api import Api

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Route:
    api: Api
    base_path: str
    template: str  # the spec's path, without the base path
    operations: dict[str, str]  # METHOD -> operationId, in spec order
    pattern: re.Pattern[str]  # base path and template

    @property
    def path(self) -> str:
        return self.base_path + self.template


class RouteTable:
    def __init__(self) -> None:
        self._routes: list[Route] = []
        self._operations: dict[str, str] = {}  # handler -> operationId

    def add_spec(self, base_path: str, spec: dict, api: Api) -> None:
        base = base_path.rstrip("/")
        for template, item in spec.get("paths", {}).items():
            operations = {
                method.upper(): item[method]["operationId"]
                for method in HTTP_METHODS
                if method in item
            }
            self._routes.append(Route(api, base, template, operations, pattern(base + template)))
            self._operations.update({api.handler(op): op for op in operations.values()})

    def __iter__(self) -> Iterator[Route]:
        return iter(self._routes)

    def allowed(self, path: str) -> list[str]:
        """Every method documented for the paths that match, in spec order."""
        methods: list[str] = []
        for route in self._routes:
            if route.pattern.fullmatch(path):
                methods += [m for m in route.operations if m not in methods]
        return methods

    def operation_id(self, handler: str) -> str | None:
        """The operationId whose handler the router picked."""
        return self._operations.get(handler)

    def operation_at(self, method: str, path: str) -> str | None:
        """The operation a request names when no router saw it (refused before routing): of
        the paths that match with its method, the one with fewest parameters."""
        found = [
            (route.template.count("{"), route.operations[method])
            for route in self._routes
            if method in route.operations and route.pattern.fullmatch(path)
        ]
        return min(found)[1] if found else None


def pattern(template: str, flags: int = 0) -> re.Pattern[str]:
    """A spec path template as a regular expression: each {parameter} one segment."""
    parts = re.split(r"(\{[^}/]+\})", template)
    expression = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(expression, flags)
