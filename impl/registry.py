"""The APIs Sessim serves: the admin API and every vendor declared in the entry-point group
`sessim.vendors`, in the order of their names.

Each entry point names a vendor's declaration (an `Api`, sessim.core.web.api), and nothing
else in Sessim lists vendors: the app factory, the CLI's --api choices, the settings check,
the admin API's fixture loaders, views and actions, the metrics and the tests that loop over
vendors all read VENDORS. The built-in vendors are declared in Sessim's own pyproject.toml:

    [project.entry-points."sessim.vendors"]
    okta = "sessim.okta.vendor:VENDOR"

A separate package adds a vendor the same way, in its own pyproject.toml:

    [project.entry-points."sessim.vendors"]
    acme = "acme_sessim.vendor:VENDOR"

where acme_sessim/vendor.py declares `VENDOR = Api("acme", "acme.yaml", "/acme", ...,
resources="acme_sessim")` and acme_sessim/openapi/ holds acme.yaml and its fixture schema.
Installed beside Sessim (`pip install acme-sessim`), it is served, seeded, fuzzed and listed
like a built-in one. The entry point's name must be the declaration's name.
"""

from __future__ import annotations

from importlib.metadata import entry_points

from .admin.api import API as ADMIN
from .core.web.api import Api

GROUP = "sessim.vendors"


def discover() -> dict[str, Api]:
    """Every declared vendor by name, sorted by name (the order of mounts, choices and tabs)."""
    found = {}
    for entry in sorted(entry_points(group=GROUP), key=lambda entry: entry.name):
        api = entry.load()
        if not isinstance(api, Api) or api.name != entry.name:
            raise TypeError(f"entry point {entry.name} = {entry.value} is not the Api {entry.name}")
        found[entry.name] = api
    if not found:  # an install older than the entry points (pip install -e . renews it)
        raise RuntimeError(f"no vendor is declared in the entry-point group {GROUP}")
    return found


VENDORS: dict[str, Api] = discover()

__all__ = ["ADMIN", "GROUP", "VENDORS", "discover"]
