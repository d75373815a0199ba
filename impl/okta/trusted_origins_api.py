"""The Trusted Origins API: parse, call the store's trusted origins, shape as Okta does."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..core.kit.runtime import runtime_of
from ..core.web.bodies import dump, respond
from ..core.web.operations import request
from ..generated.dicts import okta as shapes
from ..generated.okta import TrustedOriginWrite
from . import filters
from .paging import linked, page
from .state import okta_for
from .trusted_origins import ACTIVE, INACTIVE, TrustedOrigins, checked
from .views import org_url, trusted_origin_body

FILTERED = ("id", "name", "origin", "status", "type")
PATH = "/api/v1/trustedOrigins"


async def list_trusted_origins(
    q: str | None = None, filter: str | None = None, after: str | None = None, limit: int = 20
) -> Response:
    """A page of those that match q and filter, after the cursor (the id that ended the last
    page), with Okta's Link header: self, and next while more follow."""
    keep = filters.parse(filter, FILTERED) if filter else None
    found = [
        record
        for record in await _origins().all()
        if _matches(record, q) and (keep is None or keep(_attributes(record)))
    ]
    ids = [record["id"] for record in found]
    shown, next_after = page(found, ids, after, limit)
    query = {"q": q, "filter": filter, "after": after, "limit": limit}
    return linked(request.scope, PATH, [_shape(record) for record in shown], query, next_after)


async def create_trusted_origin(body: TrustedOriginWrite) -> Response:
    state = await okta_for(request)
    fields = checked(dump(body))
    record = await _origins().create(fields, state.principal)
    return respond(_shape(record), 200)


async def get_trusted_origin(trustedOriginId: str) -> Response:
    return respond(_shape(await _origins().found(trustedOriginId)), 200)


async def replace_trusted_origin(trustedOriginId: str, body: TrustedOriginWrite) -> Response:
    state = await okta_for(request)
    origins = _origins()
    await origins.found(trustedOriginId)  # an unknown id is a 404 before a bad body's 400
    record = await origins.replace(trustedOriginId, checked(dump(body)), state.principal)
    return respond(_shape(record), 200)


async def delete_trusted_origin(trustedOriginId: str) -> Response:
    await _origins().delete(trustedOriginId)
    return respond(None, 204)


async def activate_trusted_origin(trustedOriginId: str) -> Response:
    return await _set_status(trustedOriginId, ACTIVE)


async def deactivate_trusted_origin(trustedOriginId: str) -> Response:
    return await _set_status(trustedOriginId, INACTIVE)


async def _set_status(origin_id: str, status: str) -> Response:
    state = await okta_for(request)
    record = await _origins().set_status(origin_id, status, state.principal)
    return respond(_shape(record), 200)


def _matches(record: dict[str, Any], q: str | None) -> bool:
    """q: a prefix of the name or the origin, in any case."""
    if not q:
        return True
    prefix = q.lower()
    return record["name"].lower().startswith(prefix) or record["origin"].lower().startswith(prefix)


def _attributes(record: dict[str, Any]) -> filters.Attributes:
    single = {name: [record[name]] for name in ("id", "name", "origin", "status")}
    return {**single, "type": [scope["type"] for scope in record["scopes"]]}


def _origins() -> TrustedOrigins:
    return TrustedOrigins(runtime_of(request).store)


def _shape(record: dict[str, Any]) -> shapes.TrustedOrigin:
    return trusted_origin_body(org_url(request.scope), record)
