"""What a handler needs from the running server, carried in each request's ASGI scope.

The app factory builds one Runtime and puts it in every request's scope, so handlers
and security functions stay plain functions and several apps can share a process.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from impl.core.clock import Clock
from impl.core.identities import Passwords
from impl.core.store import Store

SCOPE_KEY = "sessim.runtime"

# Loads one vendor's fixture section; returns counts of what it loaded.
FixtureLoader = Callable[["Runtime", dict], Awaitable[dict[str, int]]]


@dataclass(frozen=True)
class Runtime:
    store: Store
    clock: Clock
    passwords: Passwords
    loaders: Mapping[str, FixtureLoader]
    admin_token: str | None = None


def runtime_of(request: Any) -> Runtime:
    """The Runtime of a starlette or connexion request."""
    return request.scope[SCOPE_KEY]
