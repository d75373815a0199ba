"""ASP.NET Web API's model binding with Json.NET, for every body the Storefront API takes:
a JSON key (or form field) names a property whatever its case, at every depth (in nested
models and in lists of them); a key that names no property is ignored; `null` is a property
not given. Enum texts match whatever their case too: the spec declares them by patterns
that take any case, and the handlers compare them casefolded."""

from __future__ import annotations

import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel

from ..core.web.bodies import parse
from ..core.web.validation import spelt_as

M = TypeVar("M", bound=BaseModel)


def bind(model: type[M], data: Any) -> M:
    """The body as `model`, its keys matched to the model's properties by case. A key that
    names a property exactly keeps it; of two spellings of one property, the first binds
    (core's `spelt_as`, as the spec's x-case-insensitive-properties has the body validated);
    null is a property not given."""
    return parse(model, _folded(model, data))


def _folded(model: type[BaseModel], data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    fields = model.model_fields
    given: dict[str, Any] = {key: value for key, value in data.items() if value is not None}
    return {
        name: _value(fields[name].annotation, value)
        for name, value in spelt_as(fields, given).items()
        if name in fields  # a key that names no property is ignored
    }


def _value(annotation: Any, value: Any) -> Any:
    """A property's value bound as its type says: a model's keys folded, a list's items each."""
    kind = _kind(annotation)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return _folded(kind, value)
    if typing.get_origin(kind) is list and isinstance(value, list):
        (item,) = typing.get_args(kind)
        return [_value(item, one) for one in value]
    return value


def _kind(annotation: Any) -> Any:
    """The type a property holds, without its `| None`."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        members = [m for m in typing.get_args(annotation) if m is not type(None)]
        return members[0] if len(members) == 1 else annotation
    return annotation
