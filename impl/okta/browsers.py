"""How Okta answers a page on another origin: the operations its own management spec marks
`x-okta-lifecycle.isCorsEnabled` (openapi/okta.yaml carries the same mark), for an Origin
that is an ACTIVE trusted origin with the CORS scope; credentials allowed and the headers
Okta exposes (release notes 2021.05), so that okta-auth-js can read them."""

from __future__ import annotations

from starlette.types import Scope

from ..core.kit.runtime import SCOPE_KEY
from ..core.web.conventions import Cors
from .trusted_origins import CORS as CORS_SCOPE
from .trusted_origins import TrustedOrigins

EXPOSED = (
    "Date",
    "Link",
    "X-Okta-Edge-Log",
    "X-Okta-Request-Id",
    "X-Rate-Limit-Limit",
    "X-Rate-Limit-Remaining",
    "X-Rate-Limit-Reset",
)
MAX_AGE = 3600  # inferred: no capture of Okta's preflight answer is public


def is_cors_enabled(operation: dict) -> bool:
    return bool(operation.get("x-okta-lifecycle", {}).get("isCorsEnabled"))


async def trusted_for_cors(scope: Scope, origin: str) -> bool:
    return await TrustedOrigins(scope[SCOPE_KEY].store).allows(origin, CORS_SCOPE)


# An untrusted origin gets the answer it would get anyway, without any CORS header
# (Okta's enable-cors guide: the browser reports the missing Access-Control-Allow-Origin).
CORS = Cors(trusted_for_cors, is_cors_enabled, exposed=EXPOSED, max_age=MAX_AGE)
