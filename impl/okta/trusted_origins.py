"""Okta's trusted origins, in the store: who may call the org from a browser (CORS scope)
and where it may send a browser back to (REDIRECT scope).

Each is a record under its id, tagged for the list; its origin and its name are each held
by an index key written with an atomic add, so that two creates racing for one origin (or
name) cannot both win, and a browser's Origin finds its trusted origin in two reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..core.kit.errors import NotFound
from ..core.kit.store import Store
from .errors import ApiValidationFailed
from .state import NAMESPACE, new_id

TAG = f"{NAMESPACE}:trusted-origins"
ACTIVE = "ACTIVE"
INACTIVE = "INACTIVE"
CORS = "CORS"
REDIRECT = "REDIRECT"
IFRAME_EMBED = "IFRAME_EMBED"
# Okta takes web origins and the schemes of Ionic and Capacitor apps (help.okta.com,
# "Trusted Origins"); its docs refuse `example.com` (no scheme) as not valid. A scheme, a
# host, an optional port (0-65535) and path; the fixture schema (OktaTrustedOrigin in
# openapi/okta.yaml) holds the same pattern, so that a seed is refused before it loads.
PORT = r"(?:6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|\d{1,4})"
# \x1c-\x1f and \x85 are in \s to Python's re already; named, as in the spec, for the
# generators, whose \s leaves them out.
ORIGIN = rf"^(?:https?|ftp|ionic|capacitor)://[^\s\x1c-\x1f\x85/?#@:\[\]]+(?::{PORT})?(?:/[^\s\x1c-\x1f\x85]*)?$"
MAX_LENGTH = 255
MAX_SCOPES = 3
TAKEN = "An object with this field already exists in the current organization"


def _record_key(origin_id: str) -> str:
    return f"{NAMESPACE}:trusted-origin:{origin_id}"


def _origin_key(origin: str) -> str:
    return f"{NAMESPACE}:trusted-origin-by-origin:{origin}"


def _name_key(name: str) -> str:
    return f"{NAMESPACE}:trusted-origin-by-name:{name}"


def checked(body: dict[str, Any]) -> dict[str, Any]:
    """name, origin and scopes of a create or replace body, as Okta checks them (E0000001
    with a cause per field); the scopes keep allowedOktaApps only for IFRAME_EMBED."""
    causes: dict[str, str] = {}
    name, origin, scopes = body.get("name"), body.get("origin"), body.get("scopes")
    if not name:
        causes["name"] = "The field cannot be left blank"
    elif len(name) > MAX_LENGTH:
        causes["name"] = f"The field cannot exceed {MAX_LENGTH} characters"
    if not origin:
        causes["origin"] = "The field cannot be left blank"
    elif len(origin) > MAX_LENGTH or not is_origin(origin):
        causes["origin"] = "Origin value is not valid"
    types = [scope["type"] for scope in scopes or []]
    if not types:
        causes["scopes"] = "The field cannot be left blank"
    elif len(types) > MAX_SCOPES or len(set(types)) < len(types):
        causes["scopes"] = "Each scope type may be given once"
    if causes:
        raise ApiValidationFailed(causes)
    return {"name": name, "origin": origin, "scopes": [_scope(s) for s in scopes or []]}


def _scope(scope: dict[str, Any]) -> dict[str, Any]:
    if scope["type"] != IFRAME_EMBED:
        return {"type": scope["type"]}
    return {"type": IFRAME_EMBED, "allowedOktaApps": list(scope.get("allowedOktaApps", []))}


def is_origin(text: str) -> bool:
    """Whether the pattern finds the origin, as a JSON schema's `pattern` does (re.search)."""
    return re.search(ORIGIN, text) is not None


def origin_of(url: str) -> str | None:
    """The origin (scheme://host[:port]) of an absolute URL; None for anything else."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


@dataclass(frozen=True)
class TrustedOrigins:
    store: Store

    async def all(self) -> list[dict[str, Any]]:
        """Every trusted origin, oldest first (by id within one second)."""
        records = (await self.store.tagged(TAG)).values()
        return sorted(records, key=lambda record: (record["created"], record["id"]))

    async def get(self, origin_id: str) -> dict[str, Any] | None:
        return await self.store.get(_record_key(origin_id))

    async def found(self, origin_id: str) -> dict[str, Any]:
        record = await self.get(origin_id)
        if record is None:
            raise NotFound(f"{origin_id} (TrustedOrigin)")
        return record

    async def of_origin(self, origin: str) -> dict[str, Any] | None:
        """The trusted origin whose origin is exactly this one."""
        origin_id = await self.store.get(_origin_key(origin))
        return None if origin_id is None else await self.get(origin_id)

    async def of_name(self, name: str) -> dict[str, Any] | None:
        origin_id = await self.store.get(_name_key(name))
        return None if origin_id is None else await self.get(origin_id)

    async def allows(self, origin: str, scope_type: str) -> bool:
        """Whether an ACTIVE trusted origin of exactly this origin has this scope."""
        record = await self.of_origin(origin)
        if record is None or record["status"] != ACTIVE:
            return False
        return any(scope["type"] == scope_type for scope in record["scopes"])

    async def create(
        self, fields: dict[str, Any], by: str, origin_id: str | None = None, status: str = ACTIVE
    ) -> dict[str, Any]:
        origin_id = origin_id or new_id("tos")
        await self._claim(origin_id, fields["name"], fields["origin"])
        now = await self.store.now()
        record = {
            "id": origin_id,
            **fields,
            "status": status,
            "created": now,
            "createdBy": by,
            "lastUpdated": now,
            "lastUpdatedBy": by,
        }
        await self.store.put(_record_key(origin_id), record, tags=[TAG])
        return record

    async def replace(self, origin_id: str, fields: dict[str, Any], by: str) -> dict[str, Any]:
        old = await self.found(origin_id)
        await self._claim(origin_id, fields["name"], fields["origin"], old)
        record = await self._rewrite(old, fields, by)
        for key, before, after in (
            (_name_key, old["name"], fields["name"]),
            (_origin_key, old["origin"], fields["origin"]),
        ):
            if before != after:
                await self.store.delete(key(before))
        return record

    async def set_status(self, origin_id: str, status: str, by: str) -> dict[str, Any]:
        record = await self.found(origin_id)
        if record["status"] == status:
            return record
        return await self._rewrite(record, {"status": status}, by)

    async def delete(self, origin_id: str) -> None:
        record = await self.found(origin_id)
        if await self.store.delete(_record_key(origin_id)):
            await self.store.delete(_name_key(record["name"]))
            await self.store.delete(_origin_key(record["origin"]))

    async def _rewrite(
        self, record: dict[str, Any], changes: dict[str, Any], by: str
    ) -> dict[str, Any]:
        now = await self.store.now()
        new = {**record, **changes, "lastUpdated": now, "lastUpdatedBy": by}
        if not await self.store.replace(_record_key(record["id"]), new):
            raise NotFound(f"{record['id']} (TrustedOrigin)")  # deleted meanwhile
        return new

    async def _claim(
        self, origin_id: str, name: str, origin: str, old: dict[str, Any] | None = None
    ) -> None:
        """Holds the name and the origin for origin_id (those it already holds stay), or
        E0000001 naming each that another trusted origin holds; nothing stays claimed then."""
        claimed: list[str] = []
        causes: dict[str, str] = {}
        for field, value, key_of in (("name", name, _name_key), ("origin", origin, _origin_key)):
            if old is not None and old[field] == value:
                continue
            key = key_of(value)
            if await self.store.add(key, origin_id) or await self._stale(key, origin_id):
                claimed.append(key)
            else:
                causes[field] = TAKEN
        if causes:
            for key in claimed:
                await self.store.delete(key)
            raise ApiValidationFailed(causes)

    async def _stale(self, key: str, origin_id: str) -> bool:
        """Takes over an index key whose trusted origin is gone (a delete cut short)."""
        holder = await self.store.get(key)
        if holder is None or holder == origin_id or await self.get(holder) is None:
            await self.store.put(key, origin_id)
            return True
        return False
