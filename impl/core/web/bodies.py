"""Request bodies into generated models, and models into JSON-ready dicts."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from connexion.lifecycle import ConnexionResponse
from pydantic import BaseModel, ValidationError
from starlette.responses import Response

from ..kit.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any) -> M:
    """The body as `model`; InvalidInput names the first field at fault."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidInput(f"{where}: {first['msg']}") from error


def dump(model: BaseModel, nulls: bool = False) -> dict:
    """A dict connexion can serialise (it fails on pydantic objects), without unset optionals
    unless `nulls` (a shape whose fields are all there, null when unset)."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=not nulls)


def json_response(
    body: dict,
    status: int,
    headers: dict[str, str] | None = None,
    media_type: str = "application/json",
) -> ConnexionResponse:
    """An error or other hand-built response; headers keep what the failure set (Allow)."""
    return ConnexionResponse(
        status_code=status, body=json.dumps(body), content_type=media_type, headers=headers or {}
    )


def respond(
    body: dict | None,
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
