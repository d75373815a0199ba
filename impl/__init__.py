"""Sessim: a stateful emulator of vendor session and authentication APIs.

`sessim.running()` serves one inside the calling process (sessim.testing); the pytest
plugin (sessim.pytest_plugin) gives tests the `sessim` fixtures. Importing `sessim` alone
loads neither: the server's modules are imported when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .admin_client import AdminError
    from .testing import Sessim, running

__all__ = ["AdminError", "Sessim", "running"]
# Where each public name lives: imported on first use.
_LAZY = {"running": "testing", "Sessim": "testing", "AdminError": "admin_client"}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{_LAZY[name]}", __name__), name)
