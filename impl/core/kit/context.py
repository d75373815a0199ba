"""The request's pinned view of shared state: one clock read and one generation read per
request, made by the outermost layer and seen by everything the request calls.

A ContextVar carries it, so store calls, clock reads and cached vendor state agree on one
instant without every signature passing it along; outside a request (tests, start-up)
nothing is pinned and each call reads the store.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from typing import Any, NamedTuple


class Pinned(NamedTuple):
    """Made for every request: a named tuple is made in C, a frozen dataclass in Python."""

    instant: float  # epoch seconds by the shared clock
    generation: str  # changes whenever a seed or reset changes cached state


_pinned: ContextVar[Pinned | None] = ContextVar("sessim_pinned", default=None)


def pinned() -> Pinned | None:
    return _pinned.get()


class pin:  # lower case: used as the function it replaced, `with pin(view):`
    """Pins `view` for the block (a class: contextlib's generator-based manager costs every
    request a generator and its frames)."""

    __slots__ = ("_token", "_view")

    def __init__(self, view: Pinned) -> None:
        self._view = view
        self._token: Token[Pinned | None] | None = None

    def __enter__(self) -> None:
        self._token = _pinned.set(self._view)

    def __exit__(self, *_exc: Any) -> None:
        assert self._token is not None
        _pinned.reset(self._token)
