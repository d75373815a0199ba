"""The methods each spec path allows, for the Allow header of a 405, and the operation a
request reaches, for what runs before connexion routes it (fault rules).

connexion's own 405 lists only the first matching route's methods, so Sessim reads them
from the spec instead.
"""

from __future__ import annotations

import re

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class RouteTable:
    def __init__(self) -> None:
        # (path pattern, method -> operationId), in spec order.
        self._routes: list[tuple[re.Pattern[str], dict[str, str]]] = []

    def add_spec(self, base_path: str, spec: dict) -> None:
        for template, item in spec.get("paths", {}).items():
            operations = {
                m.upper(): item[m].get("operationId", "") for m in HTTP_METHODS if m in item
            }
            self._routes.append((_pattern(base_path.rstrip("/") + template), operations))

    def allowed(self, path: str) -> list[str]:
        """Every method documented for the paths that match, in spec order."""
        methods: list[str] = []
        for pattern, route_methods in self._routes:
            if pattern.fullmatch(path):
                methods += [m for m in route_methods if m not in methods]
        return methods

    def operation(self, path: str, method: str) -> str | None:
        """The operationId of the route connexion's router takes: the first path, in spec
        order, that matches and has the method; None when no operation serves the request."""
        return next(
            (
                ops[method]
                for pattern, ops in self._routes
                if method in ops and pattern.fullmatch(path)
            ),
            None,
        )


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))
