"""Okta's authorization servers and OIDC applications (OAuth clients), in the store.

The fixture gives them (openapi/okta.yaml's OktaAuthorizationServer and OktaApplication);
each is stored complete, with Okta's defaults filled in, under its id or client_id. The
custom server `default` exists even when no fixture names it, as in every Okta org; the org
authorization server is fixed and is not stored: `org_server()` is its record, of the same
shape, with the id `org` (no custom server's id can be it), and `issuer_of`/`audience_of`
tell the two kinds apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.kit.credentials import digest
from ..core.kit.errors import NotFound
from ..core.kit.runtime import Runtime
from ..core.kit.store import Store
from .state import NAMESPACE

DEFAULT = "default"
ORG = "org"  # the org authorization server's id among the records
ACTIVE = "ACTIVE"
ALL_CLIENTS = "ALL_CLIENTS"
# The scopes every custom authorization server has (Okta's "system scopes").
SYSTEM_SCOPES = ("openid", "profile", "email", "address", "phone", "offline_access", "device_sso")
# The org server's fixed scopes, as the OIDC reference lists them (its okta.* management
# scopes aside).
ORG_SCOPES = ("openid", "email", "profile", "address", "phone", "offline_access", "groups")
GRANT_TYPES = ("authorization_code", "implicit", "refresh_token", "password", "client_credentials")
# Okta's Default Policy of a new custom server: all clients, every grant type and scope, an
# access token of an hour, a refresh token without limit but unused for 7 days at most.
DEFAULT_RULE = {
    "name": "Default Policy Rule",
    "priority": 1,
    "grantTypes": list(GRANT_TYPES),
    "scopes": ["*"],
    "accessTokenLifetimeMinutes": 60,
    "refreshTokenLifetimeMinutes": 0,
    "refreshTokenWindowMinutes": 10080,
}
DEFAULT_POLICY = {"name": "Default Policy", "priority": 1, "clients": [ALL_CLIENTS]}
PUBLIC = ("browser", "native")  # public clients: no secret, token_endpoint_auth_method none
NONE = "none"
PRIVATE_KEY_JWT = "private_key_jwt"
ROTATE, STATIC = "ROTATE", "STATIC"
DEFAULT_LEEWAY = 30  # seconds: Okta's default grace period for a rotated refresh token
APPLICATIONS = f"{NAMESPACE}:applications"  # the tag of every application (the Apps API's list)
SERVERS = f"{NAMESPACE}:authorization-servers"  # the tag of every stored custom server


def _server_key(server_id: str) -> str:
    return f"{NAMESPACE}:authorization-server:{server_id}"


def application_key(client_id: str) -> str:
    return f"{NAMESPACE}:application:{client_id}"


def server_record(entry: dict[str, Any]) -> dict[str, Any]:
    """A fixture's authorization server with Okta's defaults filled in."""
    server_id = entry["id"]
    policies = entry.get("policies") or [{**DEFAULT_POLICY, "rules": [DEFAULT_RULE]}]
    return {
        "id": server_id,
        "name": entry.get("name", server_id),
        "description": entry.get("description", _description(server_id)),
        "audiences": entry.get("audiences") or [f"api://{server_id}"],
        "status": entry.get("status", ACTIVE),
        "scopes": [scope_record(scope) for scope in entry.get("scopes", [])],
        "claims": [claim_record(claim) for claim in entry.get("claims", [])],
        "policies": by_priority([_policy(policy) for policy in policies]),
    }


def org_server() -> dict[str, Any]:
    """The org authorization server as a record: no custom scope or claim, and the fixed
    lifetimes of Okta's org server (an hour's tokens; refresh tokens as the Default Policy's,
    inferred), which no fixture changes."""
    return {
        "id": ORG,
        "name": "Org Authorization Server",
        "description": "",
        "audiences": [],  # its tokens' aud is the org URL: audience_of
        "status": ACTIVE,
        "scopes": [],
        "claims": [],
        "policies": [{**DEFAULT_POLICY, "rules": [DEFAULT_RULE]}],
    }


def issuer_of(org: str, server: dict[str, Any]) -> str:
    """The org URL for the org server, `<org>/oauth2/<id>` for a custom one."""
    return org if server["id"] == ORG else f"{org}/oauth2/{server['id']}"


def endpoint_of(org: str, server: dict[str, Any], name: str) -> str:
    """The URL of a server's endpoint (`token`, ...): the org server's under `/oauth2/v1`,
    a custom server's under its issuer."""
    return (
        f"{org}/oauth2/v1/{name}" if server["id"] == ORG else f"{issuer_of(org, server)}/v1/{name}"
    )


def audience_of(org: str, server: dict[str, Any]) -> str:
    """The `aud` of a server's access tokens: the org URL for the org server, else its
    audience (`api://default` for `default`)."""
    return org if server["id"] == ORG else server["audiences"][0]


def system_scopes(server: dict[str, Any]) -> tuple[str, ...]:
    return ORG_SCOPES if server["id"] == ORG else SYSTEM_SCOPES


def _description(server_id: str) -> str:
    return "Default Authorization Server" if server_id == DEFAULT else ""


def scope_record(scope: dict[str, Any]) -> dict[str, Any]:
    """A scope as the fixture or the API gives it, with Okta's defaults filled in."""
    return {
        "name": scope["name"],
        "description": scope.get("description", scope["name"]),
        "default": scope.get("default", False),
        "metadataPublish": scope.get("metadataPublish", "NO_CLIENTS"),
    }


def claim_record(claim: dict[str, Any]) -> dict[str, Any]:
    """A claim as the fixture or the API gives it, with Okta's defaults filled in."""
    return {
        "name": claim["name"],
        "claimType": claim.get("claimType", "RESOURCE"),
        "valueType": claim.get("valueType", "EXPRESSION"),
        "value": claim["value"],
        "alwaysIncludeInToken": claim.get("alwaysIncludeInToken", True),
        "scopes": list(claim.get("conditions", {}).get("scopes", [])),
    }


def _policy(policy: dict[str, Any]) -> dict[str, Any]:
    rules = [{**DEFAULT_RULE, "priority": None, **rule} for rule in policy.get("rules", [])]
    return {
        "name": policy["name"],
        "priority": policy.get("priority"),
        "clients": policy.get("clients") or [ALL_CLIENTS],
        "rules": by_priority(rules),
    }


def by_priority(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ordered by priority, those without one after, each group in the order given; then
    numbered 1, 2, ... as Okta numbers them."""
    ranked = sorted(enumerate(items), key=lambda pair: _rank(pair[1]["priority"], pair[0]))
    return [{**item, "priority": rank} for rank, (_, item) in enumerate(ranked, 1)]


def _rank(priority: int | None, index: int) -> tuple[bool, int, int]:
    return (priority is None, priority or 0, index)


def application_record(entry: dict[str, Any]) -> dict[str, Any]:
    """A fixture's application (public or confidential, as its schema tells them apart)
    with Okta's defaults filled in."""
    kind = entry["application_type"]
    method = entry.get(
        "token_endpoint_auth_method", NONE if kind in PUBLIC else "client_secret_basic"
    )  # private_key_jwt's variant names it
    secret = entry.get("client_secret")
    client_id = entry["client_id"]
    service = kind == "service"
    grant_types = entry.get("grant_types") or [
        "client_credentials" if service else "authorization_code"
    ]
    rotation = entry.get("refresh_token", {})
    return {
        "client_id": client_id,
        # By digest, as Sessim keeps every credential: a dump of the store hands out none.
        "client_secret_digest": None if secret is None else digest(secret),
        "jwks": entry.get("jwks"),  # private_key_jwt's public keys
        "client_name": entry.get("client_name", client_id),
        "application_type": kind,
        "token_endpoint_auth_method": method,
        "grant_types": grant_types,
        "response_types": entry.get("response_types") or ["token" if service else "code"],
        "redirect_uris": list(entry.get("redirect_uris", [])),
        "post_logout_redirect_uris": list(entry.get("post_logout_redirect_uris", [])),
        "status": entry.get("status", ACTIVE),
        # Okta's refresh_token settings: a public client's rotate (Okta requires it of
        # SPAs), a confidential one's stay; a rotated-out token still works `leeway` s.
        "refresh_token": {
            "rotation_type": rotation.get("rotation_type", ROTATE if kind in PUBLIC else STATIC),
            "leeway": rotation.get("leeway", DEFAULT_LEEWAY),
        },
    }


@dataclass(frozen=True)
class AuthorizationServers:
    store: Store

    async def put(self, record: dict[str, Any]) -> None:
        await self.store.put(_server_key(record["id"]), record, tags=[SERVERS])

    async def stored_one(self, server_id: str) -> dict[str, Any] | None:
        """The stored server of this id (no made-up `default`)."""
        return await self.store.get(_server_key(server_id))

    async def stored(self) -> list[dict[str, Any]]:
        """Every stored custom server (`default` only once a fixture or the API wrote it)."""
        return list((await self.store.tagged(SERVERS)).values())

    async def delete(self, server_id: str) -> None:
        await self.store.delete(_server_key(server_id))

    async def get(self, server_id: str) -> dict[str, Any] | None:
        """The server of this id; `default` as Okta makes it when no fixture gave it."""
        record = await self.store.get(_server_key(server_id))
        if record is None and server_id == DEFAULT:
            return server_record({"id": DEFAULT})
        return record

    async def serving(self, server_id: str | None) -> dict[str, Any]:
        """The org server (None), or the ACTIVE custom server of this id (else NotFound)."""
        return org_server() if server_id is None else await self.active(server_id)

    async def active(self, server_id: str) -> dict[str, Any]:
        """The ACTIVE server of this id, or NotFound as Okta names it."""
        record = await self.get(server_id)
        if record is None or record["status"] != ACTIVE:
            raise NotFound(f"{server_id} (AuthorizationServer)")
        return record


@dataclass(frozen=True)
class Applications:
    store: Store

    async def put(self, record: dict[str, Any]) -> None:
        await self.store.put(application_key(record["client_id"]), record, tags=[APPLICATIONS])

    async def get(self, client_id: str) -> dict[str, Any] | None:
        return await self.store.get(application_key(client_id))


async def server_view(runtime: Runtime, server_id: str) -> dict | None:
    """`GET /_admin/views/okta/authorizationServer?key=<id>`: the server as Sessim holds it
    (the fixture's with Okta's defaults filled in)."""
    return await AuthorizationServers(runtime.store).get(server_id)


async def application_view(runtime: Runtime, client_id: str) -> dict | None:
    """`GET /_admin/views/okta/application?key=<client_id>`: the application as Sessim keeps
    it (its secret by digest)."""
    return await Applications(runtime.store).get(client_id)
