"""conforms.accepts says yes exactly where jsonschema (connexion's Draft4RequestValidator,
as request validation runs it) finds no error, for every body schema of every spec that it
decides (plain), on values drawn near each schema and on tricky ones; and likewise for
every parameter schema (Draft4Validator, as parameter validation runs it, which never asks
about a missing value)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sessim.core.web.conforms import accepts, plain
from sessim.core.web.validation import BODY_SCHEMAS, PARAMETER_SCHEMAS

from tests.core.test_linked_operations import built_stack

SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
JSON = st.recursive(
    SCALARS | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def operations() -> Iterator[Any]:
    """Every operation the validation layer checks (connexion's, one per spec operation)."""
    from sessim.core.web.operations import ValidationMiddleware

    (validation,) = [layer for layer in built_stack() if isinstance(layer, ValidationMiddleware)]
    for apis in validation.apis.values():
        for api in apis:
            for routed in api.operations.values():
                yield routed._operation


def body_schemas() -> list[dict]:
    schemas = {}
    for operation in operations():
        for media_type in operation.consumes:
            schema = operation.body_schema(media_type)
            if schema:
                schemas[id(schema)] = schema
    return list(schemas.values())


def parameter_schemas() -> list[dict]:
    schemas = {}
    for operation in operations():
        for parameter in operation.parameters:
            schema = parameter.get("schema", parameter)
            schemas[id(schema)] = schema
    return list(schemas.values())


SCHEMAS = body_schemas()
PLAIN = [schema for schema in SCHEMAS if plain(schema)]
PARAMETERS = parameter_schemas()
PLAIN_PARAMETERS = [schema for schema in PARAMETERS if plain(schema)]


def near(schema: Any, depth: int = 0) -> st.SearchStrategy:
    """Values shaped by the schema, often valid, sometimes not."""
    if not isinstance(schema, dict) or depth > 4:
        return JSON
    options = [JSON]
    if schema.get("nullable"):
        options.append(st.none())
    if "enum" in schema:
        options.append(st.sampled_from(schema["enum"]))
    kinds = schema.get("type")
    kind = kinds[0] if isinstance(kinds, list) else kinds
    low, high = schema.get("minimum"), schema.get("maximum")
    if kind == "string":
        size = st.text(
            min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 12), 40)
        )
        options.append(st.from_regex(schema["pattern"]) if "pattern" in schema else size)
        if schema.get("format") == "email":
            options.append(st.emails())
    elif kind == "integer":
        options += [st.integers(low, high), st.integers(low, high).map(float)]
    elif kind == "number":
        options.append(st.floats(low, high, allow_nan=False, allow_infinity=False))
    elif kind == "boolean":
        options.append(st.booleans())
    elif kind == "array":
        options.append(st.lists(near(schema.get("items"), depth + 1), max_size=3))
    elif kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        required = [name for name in schema.get("required", []) if name in properties]
        optional = {
            name: near(sub, depth + 1) for name, sub in properties.items() if name not in required
        }
        options.append(
            st.fixed_dictionaries(
                {name: near(properties[name], depth + 1) for name in required}, optional=optional
            )
        )
    return st.one_of(*options)


def no_error(schema: dict, value: Any) -> bool:
    return next(BODY_SCHEMAS.validator(schema).iter_errors(value), None) is None


def test_it_decides_nearly_every_body_schema() -> None:
    assert len(PLAIN) >= len(SCHEMAS) - 2 > 30


@settings(max_examples=600, suppress_health_check=list(HealthCheck), deadline=None)
@given(st.data())
def test_it_agrees_with_jsonschema_near_every_schema(data: st.DataObject) -> None:
    schema = data.draw(st.sampled_from(PLAIN))
    value = data.draw(near(schema))
    assert accepts(schema, value) is no_error(schema, value), value


def test_it_decides_nearly_every_parameter_schema() -> None:
    assert len(PLAIN_PARAMETERS) >= len(PARAMETERS) - 2 > 30


@settings(max_examples=600, suppress_health_check=list(HealthCheck), deadline=None)
@given(st.data())
def test_it_agrees_with_jsonschema_near_every_parameter_schema(data: st.DataObject) -> None:
    schema = data.draw(st.sampled_from(PLAIN_PARAMETERS))
    value = data.draw(near(schema).filter(lambda value: value is not None))
    found = next(PARAMETER_SCHEMAS.validator(schema).iter_errors(value), None)
    assert PARAMETER_SCHEMAS.accepts(schema, value) is (found is None), value


INTEGER = {"type": "integer", "minimum": 1, "maximum": 9}
TRICKY = [
    (INTEGER, 1.0), (INTEGER, True), (INTEGER, 10**40), (INTEGER, 9), (INTEGER, 10),
    ({"type": "number"}, False), ({"type": "number", "maximum": 1}, 1.5),
    ({"type": "string", "nullable": True}, None), ({"type": "string"}, None),
    ({"type": "string", "enum": ["a"], "nullable": True}, None), ({"enum": ["1"]}, 1),
    ({"type": "string", "format": "email"}, "no-at"), ({"format": "email"}, "a@b"),
    ({"type": "string", "pattern": "^a"}, "ba"), ({"type": "string", "pattern": "a"}, "ba"),
    ({"type": "string", "maxLength": 2}, "\U0001f600\U0001f600"),
    ({"type": ["string", "null"]}, None),
    ({"properties": {"a": {"type": "string"}}, "additionalProperties": False}, {"a": "x", "b": 1}),
    ({"properties": {"a": {}}, "additionalProperties": {"type": "integer"}}, {"b": 1}),
    ({"required": ["a"]}, []), ({"required": ["a"]}, {}), ({"maxProperties": 1}, {"a": 1, "b": 2}),
    ({"items": {"type": "integer"}, "maxItems": 2}, [1, "2"]), ({"minItems": 1}, "text"),
]  # fmt: skip


@pytest.mark.parametrize(("schema", "value"), TRICKY)
def test_it_agrees_with_jsonschema_on_tricky_values(schema: dict, value: Any) -> None:
    assert plain(schema)
    assert accepts(schema, value) is no_error(schema, value)


@pytest.mark.parametrize(
    "schema",
    [
        {"allOf": [{"type": "string"}]},
        {"oneOf": [{"type": "string"}]},
        {"properties": {"a": {"$ref": "#/components/schemas/A"}}},
        {"patternProperties": {"^a": {}}},
        {"type": "integer", "minimum": 1, "exclusiveMinimum": True},
        {"enum": ["a", 1]},
        {"items": [{"type": "string"}]},
        {"type": "file"},
        {"multipleOf": 2},
    ],
)
def test_what_it_does_not_decide_is_left_to_jsonschema(schema: dict) -> None:
    assert not plain(schema)
