"""The methods each spec path allows, for the Allow header of a 405.

connexion's own 405 lists only the first matching route's methods, so Sessim reads them
from the spec instead.
"""

from __future__ import annotations

import re

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class RouteTable:
    def __init__(self) -> None:
        self._routes: list[tuple[re.Pattern[str], list[str]]] = []

    def add_spec(self, base_path: str, spec: dict) -> None:
        for template, item in spec.get("paths", {}).items():
            methods = [m.upper() for m in HTTP_METHODS if m in item]
            self._routes.append((_pattern(base_path.rstrip("/") + template), methods))

    def allowed(self, path: str) -> list[str]:
        """Every method documented for the paths that match, in spec order."""
        methods: list[str] = []
        for pattern, route_methods in self._routes:
            if pattern.fullmatch(path):
                methods += [m for m in route_methods if m not in methods]
        return methods


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))
