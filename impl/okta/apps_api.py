"""The Apps API for OIDC applications: parse, call the store's applications (apps.py),
shape as Okta does."""

from __future__ import annotations

from typing import Any, Final

from starlette.responses import Response

from ..core.kit.runtime import runtime_of
from ..core.web.bodies import dump, respond
from ..core.web.operations import request
from ..generated.dicts import okta as shapes
from ..generated.okta import OpenIdConnectApplicationWrite
from . import filters
from .apps import INACTIVE, SECRET_METHODS, Apps, entry_of, new_app_id, new_secret
from .authorization_servers import ACTIVE
from .paging import linked, page
from .views import org_url, timestamp

FILTERED = ("id", "name", "status")
PATH = "/api/v1/apps"
NAME: Final = "oidc_client"


async def list_applications(
    q: str | None = None, filter: str | None = None, after: str | None = None, limit: int = 20
) -> Response:
    """A page of those that match q and filter, after the cursor, with Okta's Link header."""
    keep = filters.parse(filter, FILTERED) if filter else None
    found = [
        record
        for record in await _apps().all()
        if _matches(record, q) and (keep is None or keep(_attributes(record)))
    ]
    shown, next_after = page(found, [record["id"] for record in found], after, limit)
    query = {"q": q, "filter": filter, "after": after, "limit": limit}
    return linked(request.scope, PATH, [_shape(record) for record in shown], query, next_after)


async def create_application(
    body: OpenIdConnectApplicationWrite, activate: bool = True
) -> Response:
    fields = dump(body)
    app_id = new_app_id()
    given = (fields.get("credentials") or {}).get("oauthClient") or {}
    entry = entry_of(fields, given.get("client_id") or app_id, ACTIVE if activate else INACTIVE)
    secret = _secret(entry, given, None)
    record = await _apps().create(entry, secret, app_id)
    return respond(_shape(record, secret), 200)


async def get_application(appId: str) -> Response:
    return respond(_shape(await _apps().found(appId)), 200)


async def replace_application(appId: str, body: OpenIdConnectApplicationWrite) -> Response:
    apps = _apps()
    old = await apps.found(appId)  # an unknown id is a 404 before a bad body's 400
    fields = dump(body)
    given = (fields.get("credentials") or {}).get("oauthClient") or {}
    entry = entry_of(fields, old["client_id"], old["status"])
    secret = _secret(entry, given, old)
    return respond(_shape(await apps.replace(old, entry, secret), secret), 200)


async def delete_application(appId: str) -> Response:
    apps = _apps()
    await apps.delete(await apps.found(appId))
    return respond(None, 204)


async def activate_application(appId: str) -> Response:
    return await _set_status(appId, ACTIVE)


async def deactivate_application(appId: str) -> Response:
    return await _set_status(appId, INACTIVE)


async def _set_status(app_id: str, status: str) -> Response:
    apps = _apps()
    await apps.set_status(await apps.found(app_id), status)
    return respond({}, 200)


def _secret(entry: dict[str, Any], given: dict[str, Any], old: dict[str, Any] | None) -> str | None:
    """The secret given; else a new one for a client that starts to authenticate with one
    (a new one, or one that had none); else None (no secret, or the old one stays)."""
    if "client_secret" in given:
        return given["client_secret"]
    needs = entry["token_endpoint_auth_method"] in SECRET_METHODS
    return new_secret() if needs and (old is None or old["client_secret_digest"] is None) else None


def _matches(record: dict[str, Any], q: str | None) -> bool:
    """q: a prefix of the label or the name, in any case."""
    if not q:
        return True
    prefix = q.lower()
    return record["client_name"].lower().startswith(prefix) or NAME.startswith(prefix)


def _attributes(record: dict[str, Any]) -> filters.Attributes:
    return {"id": [record["id"]], "name": [NAME], "status": [record["status"]]}


def _apps() -> Apps:
    return Apps(runtime_of(request).store)


def _shape(record: dict[str, Any], secret: str | None = None) -> shapes.OpenIdConnectApplication:
    """An application in Okta's key order; its secret only when just set."""
    href = f"{org_url(request.scope)}{PATH}/{record['id']}/lifecycle"
    # As a recorded app shows them: an href alone, no hints.
    links: shapes.ApplicationLinks = (
        {"deactivate": {"href": f"{href}/deactivate"}}
        if record["status"] == ACTIVE
        else {"activate": {"href": f"{href}/activate"}}
    )
    oauth_client: shapes.ApplicationCredentialsOAuthClient = {
        "autoKeyRotation": True,
        "client_id": record["client_id"],
        "token_endpoint_auth_method": record["token_endpoint_auth_method"],
    }
    if secret is not None:
        oauth_client["client_secret"] = secret
    settings: shapes.OpenIdConnectApplicationSettingsClient = {
        "redirect_uris": record["redirect_uris"],
        "post_logout_redirect_uris": record["post_logout_redirect_uris"],
        "response_types": record["response_types"],
        "grant_types": record["grant_types"],
        "application_type": record["application_type"],
        "refresh_token": record["refresh_token"],
    }
    if record["jwks"] is not None:
        settings["jwks"] = record["jwks"]
    return {
        "id": record["id"],
        "name": NAME,
        "label": record["client_name"],
        "status": record["status"],
        "lastUpdated": timestamp(record["lastUpdated"]),
        "created": timestamp(record["created"]),
        "features": [],
        "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": oauth_client},
        "settings": {"oauthClient": settings},
        "_links": links,
    }
