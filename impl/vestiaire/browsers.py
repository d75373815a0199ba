"""How Vestiaire's API answers a page on another origin. No public source shows its CORS
headers or preflights; its storefronts (`{country}.vestiairecollective.com`) call
`apiv2.vestiairecollective.com`, another origin, so it must let them in: Sessim lets in the
origins the deployment's settings list (`settings.allowed_origins`), answering their
preflights (200) and their requests with the origin confirmed and credentials allowed (the
`__session` cookie), and serves any other origin without CORS headers. All inferred."""

from __future__ import annotations

from starlette.types import Scope

from ..core.kit.runtime import SCOPE_KEY
from ..core.web.conventions import Cors
from .state import vestiaire


async def allowed_origin(scope: Scope, origin: str) -> bool:
    return origin in (await vestiaire(scope[SCOPE_KEY])).settings.allowed_origins


CORS = Cors(allowed_origin, lambda operation: True)
