"""The request's pinned view of shared state: one clock read and one generation read per
request, made by the outermost layer and seen by everything the request calls.

A ContextVar carries it, so store calls, clock reads and cached vendor state agree on one
instant without every signature passing it along; outside a request (tests, start-up)
nothing is pinned and each call reads the store.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Pinned:
    instant: float  # epoch seconds by the shared clock
    generation: str  # changes whenever a seed or reset changes cached state


_pinned: ContextVar[Pinned | None] = ContextVar("sessim_pinned", default=None)


def pinned() -> Pinned | None:
    return _pinned.get()


@contextlib.contextmanager
def pin(view: Pinned) -> Iterator[None]:
    token = _pinned.set(view)
    try:
        yield
    finally:
        _pinned.reset(token)
