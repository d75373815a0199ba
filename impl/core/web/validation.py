"""connexion's validators, made safe for hostile input and neutral in their failures.

Parameters fail with an error that names the parameter, so that a vendor can tell a bad
parameter from a bad body. Bodies (JSON and form-encoded) are parsed here, once for every
operation of every spec: too deep, not UTF-8, numbers Python cannot hold and text that is
not Unicode (lone surrogates) all fail as InvalidInput, so no handler, hash or store ever
sees them. NUL is valid text that argon2 and the stores take as it is, so it passes.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import AsyncIterator, Collection
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.json_schema import Draft4RequestValidator
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    FormDataValidator,
    JSONRequestBodyValidator,
    MultiPartFormDataValidator,
)
from connexion.validators import ParameterValidator as ConnexionParameterValidator
from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError, best_match
from starlette.types import Scope

from ..kit.errors import InvalidInput, InvalidParameter
from .conforms import accepts, plain
from .operations import hand_over

# Far beyond any request the emulated APIs document, far below Python's recursion limit.
MAX_DEPTH = 32
# Lone surrogates (from "\ud800" escapes) cannot be encoded as UTF-8: argon2 and SQLite fail.
SURROGATE = re.compile("[\ud800-\udfff]")
# On a body schema: its property names match whatever their case, at every depth (ASP.NET
# Web API's binding), so the body is checked as the handler will bind it.
CASE_INSENSITIVE = "x-case-insensitive-properties"


class ParameterValidator(ConnexionParameterValidator):
    """connexion's rules, with each parameter's schema compiled once: connexion deep-copies
    the schema and builds a jsonschema validator on every request (6% of a getSession); a
    value the quick yes (conforms.py) accepts skips jsonschema's walk."""

    @staticmethod
    def validate_parameter(
        parameter_type: str, value: Any, param: dict, param_name: str | None = None
    ) -> None:
        if is_nullable(param) and is_null(value):
            return
        if value is None:
            if param.get("required"):
                raise InvalidParameter(param["name"], f"Missing {parameter_type} parameter")
            return
        schema = param.get("schema", param)
        if PARAMETER_SCHEMAS.accepts(schema, value):
            return  # what jsonschema would find: no error
        error = best_match(PARAMETER_SCHEMAS.validator(schema).iter_errors(value))
        if error is not None:
            # connexion's message for a schema failure goes on to dump the schema; keep the gist.
            raise InvalidParameter(param["name"], str(error).splitlines()[0])


class Compiled:
    """Validators compiled once per schema. connexion hands a validator the same schema
    objects (an operation's, resolved when the spec was loaded) on every request, so a
    schema is known by its identity; each entry keeps its schema alive, so that no other
    object can take its id while it is cached."""

    LIMIT = 4096  # far beyond the schemas of every spec; a bound all the same

    def __init__(self, validator_class: Any) -> None:
        self._class = validator_class
        self._by_id: dict[int, tuple[dict, Any, bool]] = {}

    def validator(self, schema: dict) -> Any:
        return self._entry(schema)[1]

    def accepts(self, schema: dict, value: Any) -> bool:
        """The quick yes (conforms.accepts) where it decides for this schema: True only
        where the compiled validator finds no error; False leaves it to the validator."""
        return self._entry(schema)[2] and accepts(schema, value)

    def _entry(self, schema: dict) -> tuple[dict, Any, bool]:
        entry = self._by_id.get(id(schema))
        if entry is None or entry[0] is not schema:
            if len(self._by_id) >= self.LIMIT:
                self._by_id.clear()
            compiled = self._class(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
            entry = self._by_id[id(schema)] = (schema, compiled, plain(schema))
        return entry


PARAMETER_SCHEMAS = Compiled(Draft4Validator)
# connexion's body validators build this validator on every request (their _validator).
BODY_SCHEMAS = Compiled(Draft4RequestValidator)


class JSONBodyValidator(JSONRequestBodyValidator):
    async def _parse(self, stream: AsyncIterator[bytes], scope: Scope) -> Any:
        text = _decode(b"".join([chunk async for chunk in stream]), self._encoding)
        if not text:
            return None
        try:
            body = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
        except RecursionError:
            raise _too_deep() from None
        except json.JSONDecodeError as error:
            raise InvalidInput(f"The request body is not valid JSON: {error}") from None
        except ValueError as error:  # an integer of more digits than Python converts
            raise InvalidInput(f"The request body holds an unusable number: {error}") from None
        check_values(body)
        hand_over(body)  # valid or not: a body that fails never reaches a handler
        return body

    @property
    def _validator(self) -> Any:
        return BODY_SCHEMAS.validator(self._schema)

    def _validate(self, body: Any) -> dict | None:
        if self._schema.get(CASE_INSENSITIVE):
            body = fold_keys(self._schema, body)
        if body is not None and BODY_SCHEMAS.accepts(self._schema, body):
            return None  # what jsonschema would find: no error
        try:
            return super()._validate(body)
        except BadRequestProblem:
            error = next(self._validator.iter_errors(body), None)
            if error is None or not error.context:
                raise
            # "not valid under any of the given schemas" says nothing: name what is wrong in
            # the variant the body comes closest to.
            closest = closest_variant(error)
            where = ".".join(str(item) for item in closest.absolute_path)
            raise BadRequestProblem(detail=f"{closest.message} - '{where}'") from None


def closest_variant(error: ValidationError) -> ValidationError:
    """Of a oneOf/anyOf failure, the first error of the variant the value comes closest to:
    the one whose own properties' values (enums: the kind a variant is for) fit, then the
    one with the fewest errors."""
    variants: dict[Any, list[ValidationError]] = {}
    for failure in error.context or ():
        variants.setdefault(failure.schema_path[0], []).append(failure)

    def distance(failures: list[ValidationError]) -> tuple[int, int]:
        kinds = sum(f.validator == "enum" and len(f.path) == 1 for f in failures)
        return (kinds, len(failures))

    return min(variants.values(), key=distance)[0]


def fold_keys(schema: dict, value: Any) -> Any:
    """`value` with each key that names one of the schema's properties in another case
    spelt as the property (see `spelt_as`), inside nested objects and arrays too."""
    if isinstance(value, list):
        return [fold_keys(schema.get("items", {}), item) for item in value]
    if not isinstance(value, dict):
        return value
    properties: dict = schema.get("properties", {})
    return {
        name: fold_keys(properties.get(name, {}), item)
        for name, item in spelt_as(properties, value).items()
    }


def spelt_as(names: Collection[str], given: dict[str, Any]) -> dict[str, Any]:
    """`given` with each key that names one of `names` whatever its case spelt as that name:
    a key spelt exactly keeps it; of two spellings of one name, the first (as Json.NET's
    GetClosestMatchProperty and ASP.NET's binding). Keys that name none stay as they are."""
    by_case: dict[str, str] = {}
    for name in names:
        by_case.setdefault(name.casefold(), name)
    folded: dict[str, Any] = {}
    for key, item in given.items():
        name = key if key in names else by_case.get(key.casefold(), key)
        folded.setdefault(name, item)
    return folded


class CheckedForm:
    """Form bodies (starlette decodes them leniently) with their text checked like JSON's."""

    @property
    def _validator(self) -> Any:
        return BODY_SCHEMAS.validator(self._schema)  # type: ignore[attr-defined]

    async def _parse(self, stream: AsyncIterator[bytes], scope: Scope) -> dict:
        body = await super()._parse(stream, scope)  # type: ignore[misc]
        check_values(body)
        return body


class FormBodyValidator(CheckedForm, FormDataValidator):
    pass


class MultiPartBodyValidator(CheckedForm, MultiPartFormDataValidator):
    pass


def check_values(value: Any) -> None:
    """InvalidInput unless every key and string in `value` is Unicode text (UTF-8 encodable),
    nested at most MAX_DEPTH deep. Iterative, so that depth itself cannot overflow."""
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            check_text(item)
        elif isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                raise _too_deep()
            if isinstance(item, dict):
                for key in item:
                    check_text(key)
            children = item.values() if isinstance(item, dict) else item
            pending += [(child, depth + 1) for child in children]


def check_text(text: str) -> None:
    match = SURROGATE.search(text)
    if match is not None:
        code = f"\\u{ord(match[0]):04x}"
        raise InvalidInput(f"The request body holds a lone surrogate ({code}), not Unicode text.")


def _decode(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise InvalidInput(f"The request body is not valid {encoding} text.") from None


def _no_constant(name: str) -> float:
    raise InvalidInput(f"The request body is not valid JSON: {name} is not a JSON number.")


def _finite(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):
        raise InvalidInput(f"The request body holds a number too large for a float: {literal[:20]}")
    return number


def _too_deep() -> InvalidInput:
    return InvalidInput(f"The request body is nested more than {MAX_DEPTH} levels deep.")


VALIDATOR_MAP = {
    "parameter": ParameterValidator,
    "body": MediaTypeDict(
        {
            "*/*json": JSONBodyValidator,
            "application/x-www-form-urlencoded": FormBodyValidator,
            "multipart/form-data": MultiPartBodyValidator,
        }
    ),
}
