"""What the kit reports as it happens, for whoever counts it: the metrics listen, the kit
knows no listener (the features use the kit, never the reverse).

Listeners are instruments of the process, wired once at import, not emulated state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")


class Signal(Generic[P]):
    """A named happening with the listeners called, in order, each time it is sent."""

    def __init__(self) -> None:
        self._listeners: list[Callable[P, None]] = []

    def connect(self, listener: Callable[P, None]) -> None:
        self._listeners.append(listener)

    def send(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for listener in self._listeners:
            listener(*args, **kwargs)


# An account locked after too many failed sign-ins: (namespace).
lockout: Signal[[str]] = Signal()
# A call a rate limit refused: (namespace, bucket).
rate_limited: Signal[[str, str]] = Signal()


def vendor_of(namespace: str) -> str:
    """The vendor a kit namespace belongs to: its first segment (okta, sfcc:RefArch)."""
    return namespace.partition(":")[0]
