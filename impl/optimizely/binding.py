"""ASP.NET's model binding: a JSON key (or form field) names a property whatever its case."""

from __future__ import annotations

import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel

from ..core.web.bodies import parse

M = TypeVar("M", bound=BaseModel)


def bind(model: type[M], data: Any) -> M:
    """The body as `model`, its keys matched to the model's properties by case. A key that
    names a property exactly keeps it; of two spellings of one property, the first binds
    (as the spec's x-case-insensitive-properties has the body validated)."""
    return parse(model, _folded(model, data))


def _folded(model: type[BaseModel], data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    fields = model.model_fields
    by_case: dict[str, str] = {}
    for field in fields:
        by_case.setdefault(field.casefold(), field)
    given: dict[str, Any] = data  # JSON keys and form fields are text
    folded: dict[str, Any] = {}
    for key, value in given.items():
        name = key if key in fields else by_case.get(key.casefold(), key)
        if name in folded:
            continue  # a property given twice: the first binds
        nested = _model_of(fields[name].annotation) if name in fields else None
        folded[name] = _folded(nested, value) if nested else value
    return folded


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a property holds (IdRef in `IdRef | None`), if it holds one."""
    members = (
        typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
    )
    return next((m for m in members if isinstance(m, type) and issubclass(m, BaseModel)), None)
