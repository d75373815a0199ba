"""The fixture a recording needs (POST /_admin/seed's body, by vendor section), inferred from
its calls by each vendor's Recorded.seed (impl/<vendor>/recorded.py), and `--seed FILE`'s
fixture merged over it: what the user gives wins."""

from __future__ import annotations

from typing import Any

from ..core.web.api import Api
from .model import Interaction

# Keys that name an entry of a fixture's lists (a user, a client, a website): two entries
# with the same value for one of them are one entry, merged.
IDENTITIES = ("id", "login", "email", "userName", "client_id")


def infer_seed(interactions: list[tuple[Api, Interaction]]) -> dict:
    """Each vendor's section that its calls need, for the vendors whose sections are not
    empty."""
    calls: dict[str, tuple[Api, list[Interaction]]] = {}
    for api, interaction in interactions:
        calls.setdefault(api.name, (api, []))[1].append(interaction)
    sections = {name: api.recorded.seed(found) for name, (api, found) in calls.items()}
    return {name: section for name, section in sections.items() if section}


def merged(inferred: Any, own: Any) -> Any:
    """`own` deep-merged over `inferred`: objects key by key, lists entry by entry (entries
    that share an identity, IDENTITIES, merged; others added), any other value replaced."""
    if isinstance(inferred, dict) and isinstance(own, dict):
        return {**inferred, **{key: merged(inferred.get(key), value) for key, value in own.items()}}
    if isinstance(inferred, list) and isinstance(own, list):
        return _merged_lists(inferred, own)
    return own


def _merged_lists(inferred: list, own: list) -> list:
    result = list(inferred)
    for entry in own:
        same = next((index for index, old in enumerate(result) if _same(old, entry)), None)
        if same is None:
            result.append(entry)
        else:
            result[same] = merged(result[same], entry)
    return result


def _same(old: Any, new: Any) -> bool:
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return bool(old == new)
    return any(
        isinstance(old.get(key), str) and str(old[key]).lower() == str(new.get(key, "")).lower()
        for key in IDENTITIES
    )
