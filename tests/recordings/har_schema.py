"""The HAR 1.2 JSON schemas of the npm package har-schema (pinned in tests/clients/node,
installed by `make node-clients`), checked with jsonschema, their $refs resolved among
themselves; a test that needs them is skipped where they are not installed."""

from __future__ import annotations

import functools
import json

import pytest
from jsonschema import Draft6Validator
from referencing import Registry, Resource

from tests.conftest import ROOT

SCHEMAS = ROOT / "tests" / "clients" / "node" / "node_modules" / "har-schema" / "lib"


@functools.cache
def _validator() -> Draft6Validator:
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text())
        resources.append((path.name, Resource.from_contents(schema)))
    registry = Registry().with_resources(resources)
    root = json.loads((SCHEMAS / "har.json").read_text())
    return Draft6Validator(root, registry=registry, format_checker=Draft6Validator.FORMAT_CHECKER)


def assert_valid_har(document: object) -> None:
    """Fails the test with every way `document` is not HAR 1.2."""
    if not (SCHEMAS / "har.json").exists():
        pytest.skip("har-schema is not installed: make node-clients")
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in _validator().iter_errors(document)
    ]
    assert errors == [], "\n".join(errors[:20])
