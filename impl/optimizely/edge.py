"""ASP.NET Web API's query strings: the keys are matched whatever their case (Web API keeps
them in a case-insensitive dictionary), and with or without the binder's prefix that its
Swagger shows (`parameter.expand`, `apiParameter.page`). The C# SDK sends `?Page=1&
PageSize=16&Expand=ShipTos`, Spire `?expand=...`: each key is spelt as the spec spells it
before routing, so that the spec's validation and the handlers see one name."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

from ..core.web.api import spec_document

PREFIXES = ("parameter.", "apiparameter.")


def query_names(spec: dict) -> dict[str, str]:
    """Every query parameter name of the spec, by its casefolded spelling."""
    names: dict[str, str] = {}
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "query":
                    names[parameter["name"].casefold()] = parameter["name"]
    for parameter in spec.get("components", {}).get("parameters", {}).values():
        if parameter.get("in") == "query":
            names[parameter["name"].casefold()] = parameter["name"]
    return names


class QueryNames:
    def __init__(self, app: ASGIApp, base_path: str) -> None:
        self.app = app
        self.names = query_names(spec_document("sessim", "optimizely.yaml"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string", b"")
        if query:
            scope["query_string"] = self.spelt(query)
        await self.app(scope, receive, send)

    def spelt(self, query: bytes) -> bytes:
        """The query with its keys spelt as the spec's (others as they came)."""
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        renamed = [(self.name(key), value) for key, value in pairs]
        return query if renamed == pairs else urlencode(renamed).encode("latin-1")

    def name(self, key: str) -> str:
        folded = key.casefold()
        bare = next((folded[len(p) :] for p in PREFIXES if folded.startswith(p)), folded)
        return self.names.get(bare, key)
