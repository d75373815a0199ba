"""The running server as the admin API sees it: the kit's Runtime that every handler gets,
with the journal and the vendor declarations beside it.

It sits above impl/core, where the app factory assembles the kit, the platform and the
features: the Runtime (kit) knows none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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


def served_of(request: Any) -> Served:
    """The Served of a request (the app factory puts only Served in the scope)."""
    return cast(Served, runtime_of(request))
