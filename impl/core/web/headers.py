"""A request header read straight from the ASGI scope, as Starlette's Headers reads it (the
first of that name), for the layers every request crosses: a Headers made of the whole list
costs more than the look-up."""

from __future__ import annotations

from starlette.types import Scope


def first_header(scope: Scope, name: bytes) -> str | None:
    """The first value of the header `name` (lower case, as ASGI servers give the names)."""
    return next((value.decode("latin-1") for key, value in scope["headers"] if key == name), None)
