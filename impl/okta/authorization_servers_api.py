"""The Authorization Servers API: custom servers, their scopes, claims, access policies and
policy rules, over the records the fixture loads (authorization_servers.py), so that what
the API adds is in force at the server's token endpoint at once and what the fixture gave
is listed.

A server is one record holding its scopes, claims and policies (each policy its rules), in
the flat form the token endpoint reads; this module turns them into Okta's shapes and back.
What the API creates carries its Okta id (`scp`, `ocl`, `00p`, `0pr`); what the fixture
gave gets one derived from the server's id and its name, the same at every read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from ..core.kit.errors import NotFound
from ..core.kit.runtime import runtime_of
from ..core.kit.tokens import ALPHANUMERIC
from ..core.web.bodies import dump, respond
from ..core.web.operations import request
from ..generated.okta import (
    AuthorizationServerPolicyRuleWrite,
    AuthorizationServerPolicyWrite,
    AuthorizationServerWrite,
    OAuth2ClaimWrite,
    OAuth2ScopeWrite,
)
from .authorization_servers import (
    ACTIVE,
    ALL_CLIENTS,
    DEFAULT,
    DEFAULT_RULE,
    GRANT_TYPES,
    SYSTEM_SCOPES,
    AuthorizationServers,
    by_priority,
    claim_record,
    issuer_of,
    scope_record,
    server_record,
)
from .errors import ApiValidationFailed
from .paging import linked, page
from .state import new_id
from .trusted_origins import TAKEN
from .views import org_url, timestamp

PATH = "/api/v1/authorizationServers"
INACTIVE = "INACTIVE"
Record = dict[str, Any]


def derived_id(prefix: str, *parts: str) -> str:
    """An Okta-shaped id (prefix and 17 letters and digits) that the parts always give."""
    digest = hashlib.sha256("\0".join(parts).encode()).digest()
    return prefix + "".join(ALPHANUMERIC[byte % len(ALPHANUMERIC)] for byte in digest[:17])


def _id_of(server: Record, kind: str, item: Record, *names: str) -> str:
    prefix = {"scope": "scp", "claim": "ocl", "policy": "00p", "rule": "0pr"}[kind]
    return item.get("id") or derived_id(prefix, server["id"], kind, *names)


# --- servers ------------------------------------------------------------------------------


async def list_authorization_servers(
    q: str | None = None, after: str | None = None, limit: int = 20
) -> Response:
    servers = _servers()
    stored = await servers.stored()
    if not any(server["id"] == DEFAULT for server in stored):
        stored.append(await _server(DEFAULT))
    found = sorted(
        (s for s in stored if not q or s["name"].lower().startswith(q.lower())),
        key=lambda server: (server["created"], server["id"]),
    )
    shown, next_after = page(found, [server["id"] for server in found], after, limit)
    query = {"q": q, "after": after, "limit": limit}
    return linked(request.scope, PATH, [_server_shape(s) for s in shown], query, next_after)


async def create_authorization_server(body: AuthorizationServerWrite) -> Response:
    fields = dump(body)
    now = await runtime_of(request).store.now()
    record = {
        **server_record({**fields, "id": new_id("aus")}),
        "policies": [],  # as at Okta: no token until a policy with a rule is added
        "created": now,
        "lastUpdated": now,
    }
    await _servers().put(record)
    return respond(_server_shape(record), 201)


async def get_authorization_server(authServerId: str) -> Response:
    return respond(_server_shape(await _server(authServerId)), 200)


async def replace_authorization_server(
    authServerId: str, body: AuthorizationServerWrite
) -> Response:
    fields = dump(body)
    changes = {
        "name": fields["name"],
        "description": fields.get("description", ""),
        "audiences": fields["audiences"],
    }
    record = await _rewrite(await _server(authServerId), changes)
    return respond(_server_shape(record), 200)


async def delete_authorization_server(authServerId: str) -> Response:
    await _server(authServerId)
    await _servers().delete(authServerId)
    return respond(None, 204)


async def activate_authorization_server(authServerId: str) -> Response:
    return await _set_status(authServerId, ACTIVE)


async def deactivate_authorization_server(authServerId: str) -> Response:
    return await _set_status(authServerId, INACTIVE)


async def _set_status(server_id: str, status: str) -> Response:
    server = await _server(server_id)
    if server["status"] != status:
        await _rewrite(server, {"status": status})
    return respond(None, 204)


# --- scopes and claims --------------------------------------------------------------------


async def list_o_auth2_scopes(authServerId: str) -> Response:
    server = await _server(authServerId)
    return _listed(server, "scopes", [_scope_shape(server, s) for s in server["scopes"]])


async def create_o_auth2_scope(authServerId: str, body: OAuth2ScopeWrite) -> Response:
    server = await _server(authServerId)
    fields = dump(body)
    taken = {scope["name"] for scope in server["scopes"]} | set(SYSTEM_SCOPES)
    if fields["name"] in taken:
        raise ApiValidationFailed({"name": TAKEN})
    scope = {"id": new_id("scp"), **scope_record(fields)}
    server = await _rewrite(server, {"scopes": [*server["scopes"], scope]})
    return respond(_scope_shape(server, scope), 201)


async def get_o_auth2_scope(authServerId: str, scopeId: str) -> Response:
    server = await _server(authServerId)
    return respond(_scope_shape(server, _scope(server, scopeId)), 200)


async def delete_o_auth2_scope(authServerId: str, scopeId: str) -> Response:
    server = await _server(authServerId)
    gone = _scope(server, scopeId)
    await _rewrite(server, {"scopes": [s for s in server["scopes"] if s is not gone]})
    return respond(None, 204)


async def list_o_auth2_claims(authServerId: str) -> Response:
    server = await _server(authServerId)
    return _listed(server, "claims", [_claim_shape(server, c) for c in server["claims"]])


async def create_o_auth2_claim(authServerId: str, body: OAuth2ClaimWrite) -> Response:
    server = await _server(authServerId)
    fields = dump(body)
    kind = fields["claimType"]
    if any((c["name"], c["claimType"]) == (fields["name"], kind) for c in server["claims"]):
        raise ApiValidationFailed({"name": TAKEN})
    claim = {"id": new_id("ocl"), **claim_record(fields)}
    server = await _rewrite(server, {"claims": [*server["claims"], claim]})
    return respond(_claim_shape(server, claim), 201)


async def get_o_auth2_claim(authServerId: str, claimId: str) -> Response:
    server = await _server(authServerId)
    return respond(_claim_shape(server, _claim(server, claimId)), 200)


async def delete_o_auth2_claim(authServerId: str, claimId: str) -> Response:
    server = await _server(authServerId)
    gone = _claim(server, claimId)
    await _rewrite(server, {"claims": [c for c in server["claims"] if c is not gone]})
    return respond(None, 204)


# --- policies and rules -------------------------------------------------------------------


async def list_authorization_server_policies(authServerId: str) -> Response:
    server = await _server(authServerId)
    shapes = [_policy_shape(server, policy) for policy in server["policies"]]
    return _listed(server, "policies", shapes)


async def create_authorization_server_policy(
    authServerId: str, body: AuthorizationServerPolicyWrite
) -> Response:
    server = await _server(authServerId)
    fields = dump(body)
    _free(fields["name"], server["policies"])
    now = await runtime_of(request).store.now()
    clients = ((fields.get("conditions") or {}).get("clients") or {}).get("include")
    policy = {
        "id": new_id("00p"),
        "name": fields["name"],
        "description": fields.get("description", ""),
        "priority": fields.get("priority"),
        "clients": clients or [ALL_CLIENTS],
        "rules": [],
        "created": now,
        "lastUpdated": now,
    }
    policies = by_priority(_ranked(server["policies"], policy))
    server = await _rewrite(server, {"policies": policies})
    return respond(_policy_shape(server, _policy(server, policy["id"])), 201)


async def get_authorization_server_policy(authServerId: str, policyId: str) -> Response:
    server = await _server(authServerId)
    return respond(_policy_shape(server, _policy(server, policyId)), 200)


async def delete_authorization_server_policy(authServerId: str, policyId: str) -> Response:
    server = await _server(authServerId)
    gone = _policy(server, policyId)
    policies = by_priority([p for p in server["policies"] if p is not gone])
    await _rewrite(server, {"policies": policies})
    return respond(None, 204)


async def list_authorization_server_policy_rules(authServerId: str, policyId: str) -> Response:
    server = await _server(authServerId)
    policy = _policy(server, policyId)
    shapes = [_rule_shape(server, policy, rule) for rule in policy["rules"]]
    return _listed(server, f"policies/{policyId}/rules", shapes)


async def create_authorization_server_policy_rule(
    authServerId: str, policyId: str, body: AuthorizationServerPolicyRuleWrite
) -> Response:
    server = await _server(authServerId)
    policy = _policy(server, policyId)
    fields = dump(body)
    _free(fields["name"], policy["rules"])
    now = await runtime_of(request).store.now()
    conditions = fields.get("conditions") or {}
    token = (fields.get("actions") or {}).get("token") or {}
    rule = {
        **DEFAULT_RULE,
        **token,
        "id": new_id("0pr"),
        "name": fields["name"],
        "priority": fields.get("priority"),
        "grantTypes": (conditions.get("grantTypes") or {}).get("include") or list(GRANT_TYPES),
        "scopes": (conditions.get("scopes") or {}).get("include") or ["*"],
        "created": now,
        "lastUpdated": now,
    }
    changed = {**policy, "rules": by_priority(_ranked(policy["rules"], rule))}
    policies = [changed if p is policy else p for p in server["policies"]]
    server = await _rewrite(server, {"policies": policies})
    policy = _policy(server, policyId)
    (made,) = [r for r in policy["rules"] if r.get("id") == rule["id"]]
    return respond(_rule_shape(server, policy, made), 201)


async def get_authorization_server_policy_rule(
    authServerId: str, policyId: str, ruleId: str
) -> Response:
    server = await _server(authServerId)
    policy = _policy(server, policyId)
    return respond(_rule_shape(server, policy, _rule(server, policy, ruleId)), 200)


async def delete_authorization_server_policy_rule(
    authServerId: str, policyId: str, ruleId: str
) -> Response:
    server = await _server(authServerId)
    policy = _policy(server, policyId)
    gone = _rule(server, policy, ruleId)
    changed = {**policy, "rules": by_priority([r for r in policy["rules"] if r is not gone])}
    policies = [changed if p is policy else p for p in server["policies"]]
    await _rewrite(server, {"policies": policies})
    return respond(None, 204)


# --- the store ----------------------------------------------------------------------------


def _servers() -> AuthorizationServers:
    return AuthorizationServers(runtime_of(request).store)


async def _server(server_id: str) -> Record:
    """The server of this id (ACTIVE or not), or NotFound; `default`, which every org has,
    written as Okta makes it the first time the API reads it without a fixture's."""
    servers = _servers()
    record = await servers.stored_one(server_id)
    if record is None and server_id == DEFAULT:
        now = await runtime_of(request).store.now()
        record = {**server_record({"id": DEFAULT}), "created": now, "lastUpdated": now}
        await servers.put(record)
    if record is None:
        raise NotFound(f"{server_id} (AuthorizationServer)")
    return record


async def _rewrite(server: Record, changes: Record) -> Record:
    new = {**server, **changes, "lastUpdated": await runtime_of(request).store.now()}
    await _servers().put(new)
    return new


def _ranked(items: list[Record], item: Record) -> list[Record]:
    """The items with a new one: at its priority (before the one holding it), else last."""
    ordered = list(items)
    place = item["priority"]
    index = len(ordered) if place is None else min(place - 1, len(ordered))
    ordered.insert(index, {**item, "priority": None})
    return [{**each, "priority": rank} for rank, each in enumerate(ordered, 1)]


def _free(name: str, items: list[Record]) -> None:
    if any(item["name"] == name for item in items):
        raise ApiValidationFailed({"name": TAKEN})


def _found(items: list[Record], item_id: str, id_of: Callable[[Record], str], kind: str) -> Record:
    for item in items:
        if id_of(item) == item_id:
            return item
    raise NotFound(f"{item_id} ({kind})")


def _scope(server: Record, scope_id: str) -> Record:
    return _found(
        server["scopes"], scope_id, lambda s: _id_of(server, "scope", s, s["name"]), "OAuth2Scope"
    )


def _claim(server: Record, claim_id: str) -> Record:
    def id_of(claim: Record) -> str:
        return _id_of(server, "claim", claim, claim["claimType"], claim["name"])

    return _found(server["claims"], claim_id, id_of, "OAuth2Claim")


def _policy(server: Record, policy_id: str) -> Record:
    def id_of(policy: Record) -> str:
        return _id_of(server, "policy", policy, policy["name"])

    return _found(server["policies"], policy_id, id_of, "AuthorizationServerPolicy")


def _rule(server: Record, policy: Record, rule_id: str) -> Record:
    def id_of(rule: Record) -> str:
        return _id_of(server, "rule", rule, policy["name"], rule["name"])

    return _found(policy["rules"], rule_id, id_of, "AuthorizationServerPolicyRule")


# --- Okta's shapes ------------------------------------------------------------------------


def _listed(server: Record, what: str, body: list[Any]) -> Response:
    return linked(request.scope, f"{PATH}/{server['id']}/{what}", body, {}, None)


def _href(*parts: str) -> str:
    return "/".join((org_url(request.scope) + PATH, *parts))


def _link(href: str, *allow: str) -> dict[str, Any]:
    return {"href": href, "hints": {"allow": list(allow)}}


def _server_shape(server: Record) -> dict[str, Any]:
    href = _href(server["id"])
    links: dict[str, Any] = {"self": _link(href, "GET", "DELETE", "PUT")}
    operation = "deactivate" if server["status"] == ACTIVE else "activate"
    links[operation] = _link(f"{href}/lifecycle/{operation}", "POST")
    return {
        "id": server["id"],
        "name": server["name"],
        "description": server["description"],
        "audiences": server["audiences"],
        "issuer": issuer_of(org_url(request.scope), server),
        "issuerMode": "ORG_URL",
        "status": server["status"],
        "created": timestamp(server["created"]),
        "lastUpdated": timestamp(server["lastUpdated"]),
        "default": server["id"] == DEFAULT,
        "_links": links,
    }


def _times(item: Record, server: Record) -> dict[str, str]:
    """An item's created and lastUpdated; a fixture's item has its server's creation."""
    created = item["created"] if "created" in item else server["created"]
    updated = item["lastUpdated"] if "lastUpdated" in item else server["created"]
    return {"created": timestamp(created), "lastUpdated": timestamp(updated)}


def _scope_shape(server: Record, scope: Record) -> dict[str, Any]:
    scope_id = _id_of(server, "scope", scope, scope["name"])
    return {
        "id": scope_id,
        "name": scope["name"],
        "description": scope["description"],
        "system": False,
        "metadataPublish": scope["metadataPublish"],
        "default": scope["default"],
        "_links": {"self": _link(_href(server["id"], "scopes", scope_id), "GET", "PUT", "DELETE")},
    }


def _claim_shape(server: Record, claim: Record) -> dict[str, Any]:
    claim_id = _id_of(server, "claim", claim, claim["claimType"], claim["name"])
    return {
        "id": claim_id,
        "name": claim["name"],
        "status": ACTIVE,
        "claimType": claim["claimType"],
        "valueType": claim["valueType"],
        "value": claim["value"],
        "alwaysIncludeInToken": claim["alwaysIncludeInToken"],
        "conditions": {"scopes": claim["scopes"]},
        "system": False,
        "_links": {"self": _link(_href(server["id"], "claims", claim_id), "GET", "PUT", "DELETE")},
    }


def _policy_shape(server: Record, policy: Record) -> dict[str, Any]:
    policy_id = _id_of(server, "policy", policy, policy["name"])
    return {
        "id": policy_id,
        "status": ACTIVE,
        "name": policy["name"],
        "description": policy.get("description", policy["name"]),
        "priority": policy["priority"],
        "system": False,
        "conditions": {"clients": {"include": policy["clients"]}},
        **_times(policy, server),
        "_links": {
            "self": _link(_href(server["id"], "policies", policy_id), "GET", "PUT", "DELETE")
        },
        "type": "OAUTH_AUTHORIZATION_POLICY",
    }


def _rule_shape(server: Record, policy: Record, rule: Record) -> dict[str, Any]:
    policy_id = _id_of(server, "policy", policy, policy["name"])
    rule_id = _id_of(server, "rule", rule, policy["name"], rule["name"])
    href = _href(server["id"], "policies", policy_id, "rules", rule_id)
    return {
        "id": rule_id,
        "status": ACTIVE,
        "name": rule["name"],
        "priority": rule["priority"],
        **_times(rule, server),
        "system": False,
        "conditions": {
            "people": {
                "users": {"include": [], "exclude": []},
                "groups": {"include": ["EVERYONE"], "exclude": []},
            },
            "grantTypes": {"include": rule["grantTypes"]},
            "scopes": {"include": rule["scopes"]},
        },
        "actions": {
            "token": {
                "accessTokenLifetimeMinutes": rule["accessTokenLifetimeMinutes"],
                "refreshTokenLifetimeMinutes": rule["refreshTokenLifetimeMinutes"],
                "refreshTokenWindowMinutes": rule["refreshTokenWindowMinutes"],
            }
        },
        "_links": {"self": _link(href, "GET", "PUT", "DELETE")},
        "type": "RESOURCE_ACCESS",
    }
