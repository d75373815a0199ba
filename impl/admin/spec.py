"""The admin spec as served: what it says of the vendors comes from the registry.

openapi/admin.yaml marks the schemas to fill: `x-sessim-vendor-fixtures` (the Fixture, which
gets one property per vendor and no other: its fixture schema, copied from the vendor's own
spec with the schemas it refers to) and `x-sessim-vendor-names` (an enum of the vendors'
names). The app fills them when it loads the spec, so the served /_admin/openapi.json, which
connexion validates against and schemathesis fuzzes, holds every vendor of the registry.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..core.web.api import Api, spec_document

SCHEMAS = "#/components/schemas/"
REF = re.compile(re.escape(SCHEMAS) + r"([^\"'/]+)")


def with_vendors(spec: dict, vendors: Mapping[str, Api]) -> dict:
    schemas = spec["components"]["schemas"]
    sections = {}
    for name, api in vendors.items():
        if api.fixture is None:
            continue
        _copy_fixture_schemas(schemas, api)
        sections[name] = {"$ref": SCHEMAS + api.fixture.__name__}
    for node in _nodes(spec):
        if node.pop("x-sessim-vendor-fixtures", False):
            node["properties"] = sections
            node["additionalProperties"] = False
        if node.pop("x-sessim-vendor-names", False):
            node["enum"] = list(vendors)
    return spec


def _copy_fixture_schemas(schemas: dict, api: Api) -> None:
    """The vendor's fixture schema and those it refers to, into the admin spec's schemas."""
    assert api.fixture is not None
    # The vendor's spec as parsed once (never changed): only the schemas taken are copied.
    theirs = spec_document(api.resources, api.spec)["components"]["schemas"]
    todo, seen = [api.fixture.__name__], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name not in schemas:
            schemas[name] = copy.deepcopy(theirs[name])
        elif schemas[name] != theirs[name]:
            raise ValueError(f"{api.name}'s fixture schema {name} is named as another schema")
        todo.extend(REF.findall(repr(theirs[name])))


def _nodes(node: Any) -> Iterator[dict]:
    """Every mapping of a spec, depth first."""
    if isinstance(node, dict):
        yield node
        for value in list(node.values()):
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)
