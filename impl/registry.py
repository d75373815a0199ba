"""The one list of APIs Sessim serves: adding a vendor is its package plus one entry here.

The CLI's --api choices, the settings check and the app factory's mounts all read it; a test
holds admin.yaml's Fixture sections to it.
"""

from __future__ import annotations

from .admin.api import API as ADMIN
from .core.web.api import Api
from .okta.api import API as OKTA
from .optimizely.api import API as OPTIMIZELY
from .sfcc.api import API as SFCC
from .vestiaire.api import API as VESTIAIRE

VENDORS: dict[str, Api] = {api.name: api for api in (VESTIAIRE, OKTA, SFCC, OPTIMIZELY)}

__all__ = ["ADMIN", "VENDORS"]
