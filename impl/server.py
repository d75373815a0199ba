"""The running server as the admin API sees it: the kit's Runtime that every handler gets,
with the journal and the vendor declarations beside it.

It sits above impl/core, where the app factory assembles the kit, the platform and the
features: the Runtime (kit) knows none of them.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, cast

from .core.features.journal import Journal
from .core.kit.runtime import Runtime, runtime_of
from .core.web.api import Api


@dataclass(frozen=True, kw_only=True)
class Served(Runtime):
    journal: Journal
    # Every vendor of the registry by name: their fixture loaders, views, actions and
    # inventories, which the admin API runs.
    apis: Mapping[str, Api]
    # The vendor APIs mounted: those whose live sessions the metrics count.
    vendors: tuple[str, ...] = ()
    admin_token: str | None = None
    # Set once the process is told to stop (told_to_stop): long polls then answer at once.
    stopping: threading.Event = field(default_factory=threading.Event, compare=False)


def served_of(request: Any) -> Served:
    """The Served of a request (the app factory puts only Served in the scope)."""
    return cast(Served, runtime_of(request))


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def told_to_stop(stopping: threading.Event) -> Iterator[None]:
    """Sets `stopping` when the process is told to stop (SIGINT, SIGTERM), then does what
    the handler it found does (uvicorn's, which it installs before the app starts): uvicorn
    waits for open answers before it stops, and a long poll that sees this ends at once.
    Only the main thread may handle signals: elsewhere (sessim.running) this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    found: dict[int, Any] = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}

    def handle(sig: int, frame: FrameType | None) -> None:
        stopping.set()
        previous = found[sig]
        if callable(previous):
            previous(sig, frame)
        elif previous == signal.SIG_DFL:
            signal.signal(sig, signal.SIG_DFL)
            signal.raise_signal(sig)

    for sig in STOP_SIGNALS:
        signal.signal(sig, handle)
    try:
        yield
    finally:
        for stop, previous in found.items():
            signal.signal(stop, previous)
