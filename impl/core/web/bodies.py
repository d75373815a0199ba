"""Request bodies into generated models, and models into JSON-ready dicts."""

from __future__ import annotations

import functools
import json
import typing
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from connexion.lifecycle import ConnexionResponse
from pydantic import BaseModel, ValidationError
from starlette.responses import Response

from ..kit.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)
Handler = Callable[..., Awaitable[Any]]
# How an API turns a body into its model (Optimizely's binding ignores the keys' case).
Parser = Callable[[type[BaseModel], Any], BaseModel]


def parse(model: type[M], data: Any) -> M:
    """The body as `model`; InvalidInput names the first field at fault."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidInput(f"{where}: {first['msg']}") from error


def parsing(handler: Handler, parser: Parser = parse) -> Handler:
    """The handler, given its body as the generated model its body parameter is annotated
    with (`body`, or the spec's x-body-name: parameters are scalars, so the one model is the
    body); connexion passes a dict. A handler that takes no model is returned as it is. A
    body sent without a content type is not parsed by connexion, which passes its bytes (or
    the spec's default, serialised): it counts as no body, `{}` (an optional body's case,
    such as Angular's empty PATCH; a required one then lacks its fields)."""
    hints = typing.get_type_hints(handler)
    models = [(name, hint) for name, hint in hints.items() if _is_model(hint) and name != "return"]
    if not models:
        return handler
    ((name, model),) = models

    @functools.wraps(handler)  # connexion reads the handler's parameters through __wrapped__
    async def parsed(**arguments: Any) -> Any:
        if name in arguments:
            given = arguments[name]
            arguments[name] = parser(model, given if isinstance(given, dict) else {})
        return await handler(**arguments)

    return parsed


def _is_model(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, BaseModel)


def dump(model: BaseModel, nulls: bool = False) -> dict:
    """A dict connexion can serialise (it fails on pydantic objects), without unset optionals
    unless `nulls` (a shape whose fields are all there, null when unset)."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=not nulls)


def json_response(
    body: Mapping[str, Any],
    status: int,
    headers: dict[str, str] | None = None,
    media_type: str = "application/json",
) -> ConnexionResponse:
    """An error or other hand-built response; headers keep what the failure set (Allow).
    They are copied: connexion adds the Content-Type to the dict it is given, which would
    write it into a caller's shared constant (and every later answer built on it)."""
    return ConnexionResponse(
        status_code=status,
        body=json.dumps(body),
        content_type=media_type,
        headers=dict(headers or {}),
    )


def respond(
    body: Mapping[str, Any] | Sequence[Any] | None,
    status: int,
    headers: Mapping[str, str] | None = None,
    cookies: Sequence[str] = (),
) -> Response:
    """A JSON (or empty) response that may set several cookies: one Set-Cookie header each,
    which connexion's dict of response headers cannot carry."""
    content = None if body is None else json.dumps(body)
    media_type = None if body is None else "application/json"
    response = Response(content, status, headers=dict(headers or {}), media_type=media_type)
    response.raw_headers.extend((b"set-cookie", cookie.encode("latin-1")) for cookie in cookies)
    return response
