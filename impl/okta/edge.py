"""What every Okta response carries (X-Okta-Request-Id, its bucket's X-Rate-Limit-* headers
and the cookies Okta sets on API calls, `SameSite=None; Secure` for a browser), and the
rate limits that turn a call away with 429 E0000047 before it runs."""

from __future__ import annotations

import math
import re
import secrets

from starlette.types import ASGIApp, Receive, Scope, Send

from ..core.kit.errors import RateLimited
from ..core.kit.ratelimit import Usage
from ..core.kit.runtime import SCOPE_KEY, Runtime
from ..core.web.asgi import set_response_cookies, set_response_headers, to_asgi
from ..core.web.cookies import send_cross_site
from ..core.web.problems import to_problem
from .cookies import api_cookies
from .errors import CATALOG
from .state import okta

# Okta's buckets for the paths Sessim serves: /api/v1/authn, /api/v1/sessions*, /api/v1/users*,
# /api/v1/trustedOrigins*, /api/v1/apps*, /api/v1/authorizationServers*.
BUCKET = re.compile(
    r"/api/v1/(authn|sessions|users|trustedOrigins|apps|authorizationServers)(?:/|$)"
)
# The cookie-authenticated calls, which must not clear the cookie they are called with.
CURRENT_SESSION = re.compile(r"/api/v1/(?:sessions|users)/me(?:/|$)")


class OktaEdge:
    def __init__(self, app: ASGIApp, base_path: str) -> None:
        self.app = app
        self.base_path = base_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The request id and the JSESSIONID an API answer sets, from one read of random bytes.
        drawn = secrets.token_hex(32)
        set_response_headers(scope, {"X-Okta-Request-Id": drawn[:32]})
        # Okta adds SameSite=None to its cookies for the browsers that take it (cookies.py).
        send_cross_site(scope)
        path = scope["path"][len(self.base_path) :]
        bucket = BUCKET.match(path)
        if bucket is None:
            await self.app(scope, receive, send)
            return
        usage = await _hit(scope[SCOPE_KEY], bucket[1])
        set_response_headers(scope, _rate_headers(usage))
        if not CURRENT_SESSION.match(path):
            set_response_cookies(scope, api_cookies(drawn[32:].upper()))
        if usage.allowed:
            await self.app(scope, receive, send)
            return
        problem = to_problem(RateLimited(usage.resets_at, f"the {bucket[1]} rate limit is spent"))
        await to_asgi(CATALOG(problem))(scope, receive, send)


async def _hit(runtime: Runtime, bucket: str) -> Usage:
    state = await okta(runtime)
    return await state.rate_limiter.hit(bucket, state.settings.quota(bucket))


def _rate_headers(usage: Usage) -> dict[str, str]:
    return {
        "X-Rate-Limit-Limit": str(usage.limit),
        "X-Rate-Limit-Remaining": str(usage.remaining),
        # Rounded up, so that a client waiting until then finds the window closed.
        "X-Rate-Limit-Reset": str(math.ceil(usage.resets_at)),
    }
