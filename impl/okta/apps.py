"""Okta's OIDC applications as the Apps API creates, replaces, lists and deletes them: the
records the fixture loads (authorization_servers.Applications), one store, so that an
application the API creates authenticates at the token endpoints at once and one from the
fixture is listed.

An application is stored under its client_id (the token endpoints' look-up). Okta's app id
(`0oa...`) is the client_id unless the create gave its own client_id; then an index key
leads from the id to the client_id. A fixture's application has its client_id as its id.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from ..core.kit.errors import NotFound
from ..core.kit.store import Store
from .authorization_servers import (
    ACTIVE,
    APPLICATIONS,
    NONE,
    PRIVATE_KEY_JWT,
    PUBLIC,
    Applications,
    application_key,
    application_record,
)
from .errors import ApiValidationFailed, DeleteAppForbidden
from .state import NAMESPACE, new_id
from .trusted_origins import TAKEN

INACTIVE = "INACTIVE"
SECRET_METHODS = ("client_secret_basic", "client_secret_post")
CONFIDENTIAL_METHODS = (*SECRET_METHODS, PRIVATE_KEY_JWT)
# Okta's generated secrets are 64 characters of letters, digits, - and _ (as its Admin
# Console shows them): 48 random bytes in URL-safe base64.
SECRET_BYTES = 48
AUTH_METHOD = "credentials.oauthClient.token_endpoint_auth_method"
SETTINGS = "settings.oauthClient"


def _id_key(app_id: str) -> str:
    return f"{NAMESPACE}:application-id:{app_id}"


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def entry_of(body: dict[str, Any], client_id: str, status: str) -> dict[str, Any]:
    """A create or replace body as a fixture's application entry (application_record's
    input), checked as Okta checks it: E0000001 with a cause per field (wordings
    inferred)."""
    oauth = body["settings"]["oauthClient"]
    credentials = (body.get("credentials") or {}).get("oauthClient") or {}
    kind = oauth["application_type"]
    method = credentials.get("token_endpoint_auth_method") or (
        NONE if kind in PUBLIC else "client_secret_basic"
    )
    causes = _refused(kind, method, oauth, credentials)
    if causes:
        raise ApiValidationFailed(causes)
    given = ("grant_types", "response_types", "redirect_uris", "post_logout_redirect_uris")
    entry = {name: oauth[name] for name in given if name in oauth}
    if "refresh_token" in oauth:
        entry["refresh_token"] = oauth["refresh_token"]
    if method == PRIVATE_KEY_JWT:
        entry["jwks"] = oauth["jwks"]
    return {
        **entry,
        "client_id": client_id,
        "client_name": body["label"],
        "application_type": kind,
        "token_endpoint_auth_method": method,
        "status": status,
    }


def _refused(
    kind: str, method: str, oauth: dict[str, Any], credentials: dict[str, Any]
) -> dict[str, str]:
    """What Okta refuses of an application's type, authentication method and grants."""
    causes: dict[str, str] = {}
    public = kind in PUBLIC
    if (method != NONE) if public else (method not in CONFIDENTIAL_METHODS):
        causes[AUTH_METHOD] = f"The authentication method {method} is not valid for a {kind} app"
    elif method == PRIVATE_KEY_JWT and not oauth.get("jwks"):
        causes[f"{SETTINGS}.jwks"] = "private_key_jwt needs the client's public keys (jwks)"
    if "client_secret" in credentials and method not in SECRET_METHODS:
        causes["credentials.oauthClient.client_secret"] = (
            f"A client using {method} has no client secret"
        )
    if public and "client_credentials" in oauth.get("grant_types", ()):
        causes[f"{SETTINGS}.grant_types"] = (
            "Client credentials is not a valid grant type for a public client"
        )
    return causes


def stamped(record: dict[str, Any], app_id: str, now: float) -> dict[str, Any]:
    """An application record with the fields the Apps API shows beside the client's."""
    return {**record, "id": app_id, "created": now, "lastUpdated": now}


@dataclass(frozen=True)
class Apps:
    store: Store

    async def all(self) -> list[dict[str, Any]]:
        """Every application, oldest first (by id within one second)."""
        records = (await self.store.tagged(APPLICATIONS)).values()
        return sorted(records, key=lambda record: (record["created"], record["id"]))

    async def found(self, app_id: str) -> dict[str, Any]:
        """The application of this app id, or NotFound as Okta names it."""
        client_id = await self.store.get(_id_key(app_id)) or app_id
        record = await Applications(self.store).get(client_id)
        if record is None or record["id"] != app_id:
            raise NotFound(f"{app_id} (AppInstance)")
        return record

    async def create(
        self, entry: dict[str, Any], secret: str | None, app_id: str
    ) -> dict[str, Any]:
        """Stores the new application; E0000001 when its client_id is taken."""
        client_id = entry["client_id"]
        now = await self.store.now()
        record = stamped(application_record({**entry, "client_secret": secret}), app_id, now)
        if not await self.store.add(application_key(client_id), record):
            raise ApiValidationFailed({"credentials.oauthClient.client_id": TAKEN})
        if app_id != client_id:
            await self.store.put(_id_key(app_id), client_id)
        await Applications(self.store).put(record)  # tagged for the list
        return record

    async def replace(
        self, old: dict[str, Any], entry: dict[str, Any], secret: str | None
    ) -> dict[str, Any]:
        """The application rewritten from entry: a secret given replaces the digest, else
        the old digest stays while the method still takes a secret."""
        record = application_record({**entry, "client_secret": secret})
        keeps = secret is None and entry["token_endpoint_auth_method"] in SECRET_METHODS
        if keeps:
            record["client_secret_digest"] = old["client_secret_digest"]
        return await self._rewrite(old, record)

    async def set_status(self, record: dict[str, Any], status: str) -> dict[str, Any]:
        if record["status"] == status:
            return record
        return await self._rewrite(record, {**record, "status": status})

    async def delete(self, record: dict[str, Any]) -> None:
        """Deletes an INACTIVE application; an ACTIVE one is Okta's E0000056."""
        if record["status"] == ACTIVE:
            raise DeleteAppForbidden(record["id"])
        await self.store.delete(application_key(record["client_id"]))
        await self.store.delete(_id_key(record["id"]))

    async def _rewrite(self, old: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
        now = await self.store.now()
        new = {**record, "id": old["id"], "created": old["created"], "lastUpdated": now}
        if not await self.store.replace(application_key(old["client_id"]), new):
            raise NotFound(f"{old['id']} (AppInstance)")  # deleted meanwhile
        return new


def new_app_id() -> str:
    return new_id("0oa")
