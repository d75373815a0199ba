"""A quick yes for request bodies: whether a JSON schema certainly accepts a value, as
connexion's Draft4RequestValidator (Draft 4 with OpenAPI's `nullable`) would, without
jsonschema's walk, which makes objects and generators for every keyword it checks.

Only schemas whose every validating keyword, at every depth, is one `accepts` decides the
way jsonschema does are taken (`plain`); in them `accepts` is True only where jsonschema
finds no error. Anything else (False, or a schema not plain) goes to jsonschema, which
also words the error, so a body is never accepted or refused differently.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

from connexion.json_schema import Draft4RequestValidator
from jsonschema import Draft4Validator

# The keywords decided here; jsonschema ignores those it does not know, and so does this.
DECIDED = frozenset(
    {
        "type",
        "enum",
        "format",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "required",
        "properties",
        "additionalProperties",
        "minProperties",
        "maxProperties",
        "items",
        "minItems",
        "maxItems",
    }
)
# Validating keywords left to jsonschema (allOf, oneOf, $ref, patternProperties...), and
# Draft 4's modifiers of minimum and maximum.
LEFT = (frozenset(Draft4RequestValidator.VALIDATORS) - DECIDED) | {
    "exclusiveMinimum",
    "exclusiveMaximum",
}
TYPES: dict[str, Any] = {
    "string": lambda value: isinstance(value, str),
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    # Draft 4: no bool is a number, and no float an integer (1.0 included)
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
}
FORMATS = Draft4Validator.FORMAT_CHECKER


def plain(schema: Any) -> bool:
    """Whether every validating keyword of the schema, at every depth, is decided here."""
    if not isinstance(schema, dict) or LEFT & schema.keys():
        return False
    kinds = schema.get("type")
    if kinds is not None and not all(kind in TYPES for kind in _listed(kinds)):
        return False
    if "enum" in schema and not all(isinstance(each, str) for each in schema["enum"]):
        return False
    nested = [*schema.get("properties", {}).values()]
    for key in ("additionalProperties", "items"):
        if key in schema and not isinstance(schema[key], bool):
            nested.append(schema[key])  # a list of items (tuples) is not plain
    if schema.get("items") is True or schema.get("items") is False:
        return False
    return all(plain(each) for each in nested)


def accepts(schema: dict, value: Any) -> bool:
    """True only where jsonschema finds no error for value under a plain schema."""
    # connexion lets null through type and enum where the schema is nullable; the other
    # keywords here take no null but format, which is still checked.
    nulled = value is None and (schema.get("x-nullable") is True or bool(schema.get("nullable")))
    if not nulled and not _typed(schema, value):
        return False
    if "format" in schema and not FORMATS.conforms(value, schema["format"]):
        return False
    if isinstance(value, str):
        return _string(schema, value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return schema.get("minimum", -math.inf) <= value <= schema.get("maximum", math.inf)
    if isinstance(value, dict):
        return _object(schema, value)
    if isinstance(value, list):
        return _array(schema, value)
    return True


def _typed(schema: dict, value: Any) -> bool:
    kinds = schema.get("type")
    if kinds is not None and not any(TYPES[kind](value) for kind in _listed(kinds)):
        return False
    # enums of strings only (plain): no other value equals one of them
    return "enum" not in schema or (isinstance(value, str) and value in schema["enum"])


def _string(schema: dict, value: str) -> bool:
    if not schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", math.inf):
        return False
    pattern = schema.get("pattern")
    return pattern is None or _compiled(pattern).search(value) is not None


def _object(schema: dict, value: dict) -> bool:
    if any(name not in value for name in schema.get("required", ())):
        return False
    if not schema.get("minProperties", 0) <= len(value) <= schema.get("maxProperties", math.inf):
        return False
    properties: dict = schema.get("properties", {})
    others = schema.get("additionalProperties", True)
    for name, item in value.items():
        inner = properties.get(name, others)
        if inner is False or (inner is not True and not accepts(inner, item)):
            return False
    return True


def _array(schema: dict, value: list) -> bool:
    if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", math.inf):
        return False
    items = schema.get("items")
    return items is None or all(accepts(items, item) for item in value)


def _listed(kinds: Any) -> list:
    return kinds if isinstance(kinds, list) else [kinds]


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
