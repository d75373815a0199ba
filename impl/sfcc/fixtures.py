"""The `sfcc` section of a Sessim fixture: sites, client ids (with their OCAPI settings'
allowed_origins), settings and customers."""

from __future__ import annotations

from ..core.kit.identities import ACTIVE
from ..core.kit.runtime import Runtime
from .state import CLIENTS_KEY, ORIGINS_KEY, SITES_KEY, add_to_list, sfcc
from .views import new_customer_id, timestamp

DISABLED = "DISABLED"


async def load_fixture(runtime: Runtime, section: dict) -> dict[str, int]:
    """Load a section already validated against openapi/admin.yaml's SfccFixture."""
    customers = section.get("customers", [])
    default_site = section.get("settings", {}).get("default_site")
    sites = section.get("sites", []) + [c["site"] for c in customers if "site" in c]
    sites += [default_site] if default_site else []
    await add_to_list(runtime, SITES_KEY, sites)
    clients = section.get("clients", [])
    await add_to_list(runtime, CLIENTS_KEY, [c["client_id"] for c in clients])
    await _set_origins(runtime, clients)
    if "settings" in section:
        await sfcc.save_settings(runtime, section["settings"])
    state = await sfcc.build(runtime)  # not the cached one: this load has just changed it
    now = timestamp(await runtime.store.now())
    for customer in customers:
        site = state.site(customer.get("site", state.default_site))
        customer_id = await site.customers.id_for(customer["login"], new_customer_id)
        status = ACTIVE if customer.get("enabled", True) else DISABLED
        profile = {
            **{name: customer[name] for name in ("email", "first_name", "last_name")},
            "customer_no": customer["customer_no"],
            "creation_date": now,
            "last_modified": now,
        }
        await site.customers.upsert(
            customer_id, customer["login"], customer["password"], status, profile
        )
    return {name: len(section.get(name, [])) for name in ("sites", "clients", "customers")} | {
        "settings": int("settings" in section)
    }


async def _set_origins(runtime: Runtime, clients: list[dict]) -> None:
    """Each client's allowed_origins, replacing those seeded before where a client names them."""
    named = {c["client_id"]: c["allowed_origins"] for c in clients if "allowed_origins" in c}
    if named:
        current = await runtime.store.get(ORIGINS_KEY) or {}
        await runtime.store.put(ORIGINS_KEY, {**current, **named})
