"""The `optimizely` section of a Sessim fixture: settings, clients, websites, customers,
warehouses and users."""

from __future__ import annotations

import uuid

from ..core.kit.identities import ACTIVE
from ..core.kit.runtime import Runtime
from .state import (
    CUSTOMERS,
    WAREHOUSES,
    WEBSITES,
    add_client,
    add_to_catalog,
    optimizely,
)
from .users import DEACTIVATED, PENDING, save_email

# Fixture keys kept in the user's profile as they are.
PROFILE_KEYS = (
    "userName",
    "email",
    "firstName",
    "lastName",
    "roles",
    "customers",
    "default_customer",
    "default_ship_to",
    "websites",
    "is_sales_person",
    "password_change_required",
)


async def load_fixture(runtime: Runtime, section: dict) -> dict[str, int]:
    """Load a section already validated against openapi/admin.yaml's OptimizelyFixture."""
    if "settings" in section:
        await optimizely.save_settings(runtime, section["settings"])
    for client in section.get("clients", []):
        await add_client(runtime, client["client_id"], client["client_secret"])
    now = await runtime.store.now()
    for index, website in enumerate(section.get("websites", [])):
        # Seeds keep their order: the first website seeded is the default one.
        await add_to_catalog(runtime, WEBSITES, {**website, "order": [now, index]})
    for customer in section.get("customers", []):
        await add_to_catalog(runtime, CUSTOMERS, customer)
    for warehouse in section.get("warehouses", []):
        await add_to_catalog(runtime, WAREHOUSES, warehouse)
    for user in section.get("users", []):
        await _load_user(runtime, user)
    names = ("users", "clients", "websites", "customers", "warehouses")
    counts = {name: len(section.get(name, [])) for name in names}
    return {**counts, "settings": int("settings" in section)}


async def _load_user(runtime: Runtime, user: dict) -> None:
    identities = (await optimizely(runtime)).identities
    # userName is case-insensitive at the vendor: Identities matches logins by casefold.
    user_id = await identities.id_for(user["userName"], lambda: str(uuid.uuid4()))
    status = DEACTIVATED if user.get("deactivated") else ACTIVE
    if user.get("pending_activation"):
        status = PENDING
    profile = {key: user[key] for key in PROFILE_KEYS if key in user}
    await identities.upsert(user_id, user["userName"], user["password"], status, profile)
    if user.get("email"):
        await save_email(runtime.store, user["email"], user_id)
