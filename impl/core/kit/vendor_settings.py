"""A vendor's settings: its dataclass of defaults, overlaid by what fixtures stored."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, TypeVar

from .store import Store

S = TypeVar("S")


def _key(namespace: str) -> str:
    return f"{namespace}:settings"


async def load_settings(store: Store, namespace: str, defaults: type[S]) -> S:
    return defaults(**(await store.get(_key(namespace)) or {}))


async def save_settings(store: Store, namespace: str, defaults: type[S], changes: dict) -> None:
    """Merge changes (already validated against the admin spec) into the stored settings;
    a mapping-valued setting (rate limits by bucket) merges key by key."""
    current: dict[str, Any] = asdict(await load_settings(store, namespace, defaults))  # type: ignore[call-overload]
    merged = {
        name: {**current[name], **value} if isinstance(value, dict) else value
        for name, value in changes.items()
    }
    await store.put(_key(namespace), {**current, **merged})
