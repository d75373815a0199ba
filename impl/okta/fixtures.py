"""The `okta` section of a Sessim fixture: org id, settings, credentials and users."""

from __future__ import annotations

from functools import partial

from ..core.kit.identities import ACTIVE
from ..core.kit.runtime import Runtime
from .apps import stamped
from .authorization_servers import (
    DEFAULT,
    Applications,
    AuthorizationServers,
    application_record,
    server_record,
)
from .state import add_access_token, add_api_token, new_id, okta, set_org_id
from .trusted_origins import ACTIVE as ORIGIN_ACTIVE
from .trusted_origins import TrustedOrigins, checked

DEFAULT_PROFILE = {"locale": "en_US", "timeZone": "America/Los_Angeles"}


async def load_fixture(runtime: Runtime, section: dict) -> dict[str, int]:
    """Load a section already validated against openapi/admin.yaml's OktaFixture."""
    if "org_id" in section:
        await set_org_id(runtime, section["org_id"])
    if "settings" in section:
        await okta.save_settings(runtime, section["settings"])
    for token in section.get("api_tokens", []):
        await add_api_token(runtime, token)
    for grant in section.get("oauth_tokens", []):
        await add_access_token(runtime, grant["token"], grant["scopes"])
    identities = (await okta(runtime)).identities
    for user in section.get("users", []):
        user_id = user.get("id") or await identities.id_for(user["login"], partial(new_id, "00u"))
        profile = {**DEFAULT_PROFILE, **_profile(user)}
        attributes = {"mfa_active": user.get("mfaActive", False)}
        status = user.get("status", ACTIVE)
        await identities.upsert(
            user_id, user["login"], user["password"], status, profile, attributes
        )
    await _trusted_origins(runtime, section.get("trusted_origins", []))
    await _oauth(runtime, section)
    listed = (
        "users",
        "api_tokens",
        "oauth_tokens",
        "trusted_origins",
        "authorization_servers",
        "applications",
    )
    counts = {name: len(section.get(name, [])) for name in listed}
    return {**counts, "settings": int("settings" in section), "org_id": int("org_id" in section)}


async def _trusted_origins(runtime: Runtime, seeded: list[dict]) -> None:
    """Each as the API would create it, or replacing the one of its id, origin or name,
    with the status the seed gives: the seed wins, so another trusted origin that holds its
    name or origin goes, and a scope type given twice counts once."""
    if not seeded:
        return
    by = (await okta(runtime)).principal
    origins = TrustedOrigins(runtime.store)
    for entry in seeded:
        scopes: dict[str, dict] = {}
        for scope in entry["scopes"]:
            scopes.setdefault(scope["type"], scope)  # the first of a type
        fields = checked({**entry, "scopes": list(scopes.values())})
        holders = [await origins.of_origin(fields["origin"]), await origins.of_name(fields["name"])]
        given = await origins.get(entry["id"]) if "id" in entry else None
        old = given or next((holder for holder in holders if holder), None)
        for holder in holders:
            if holder is not None and holder["id"] != (old or {}).get("id"):
                await origins.delete(holder["id"])
        status = entry.get("status", ORIGIN_ACTIVE)
        if old is None:
            await origins.create(fields, by, entry.get("id"), status)
        else:
            await origins.replace(old["id"], fields, by)
            await origins.set_status(old["id"], status, by)


async def _oauth(runtime: Runtime, section: dict) -> None:
    """Authorization servers and applications, each replacing the one of its id; all are
    checked before any is stored, so that a refused seed changes nothing of them."""
    servers = [server_record(entry) for entry in section.get("authorization_servers", [])]
    applications = [application_record(entry) for entry in section.get("applications", [])]
    now = await runtime.store.now()
    stored = AuthorizationServers(runtime.store)
    if await stored.stored_one(DEFAULT) is None:  # every org has it, made with the org
        servers.insert(0, server_record({"id": DEFAULT}))
    for server in servers:
        # The Authorization Servers API's times.
        await stored.put({**server, "created": now, "lastUpdated": now})
    for application in applications:
        # The Apps API's fields: a fixture's application has its client_id as its id.
        await Applications(runtime.store).put(stamped(application, application["client_id"], now))


def _profile(user: dict) -> dict:
    names = ("firstName", "lastName", "locale", "timeZone")
    return {name: user[name] for name in names if name in user}
