"""How Configured Commerce answers a page on another origin. No Optimizely source documents a
CORS setting for the Storefront API (its Spire storefront relays every call through its own
origin instead); the platform is ASP.NET Web API with Microsoft.AspNet.WebApi.Cors, whose
CorsMessageHandler Sessim follows (aspnet/AspNetWebStack,
src/System.Web.Http.Cors/CorsMessageHandler.cs): an allowed origin's preflight is 200 with
the CORS headers and its answers carry them; another origin's preflight is 400 with the
engine's message, and its requests are served without CORS headers. Which origins a
website allows (the fixture's `websites[].allowed_origins`, the website found by Host as
every call finds it) and credentials allowed (the storefront's context cookies) are
Sessim's inference."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import Scope

from ..core.kit.runtime import SCOPE_KEY
from ..core.web.conventions import Cors
from .errors import BadRequest
from .state import optimizely


async def allowed_origin(scope: Scope, origin: str) -> bool:
    state = await optimizely(scope[SCOPE_KEY])
    website = state.catalog.website_for(Headers(scope=scope).get("host", ""))
    return origin in website.allowed_origins


def origin_not_allowed(origin: str) -> BadRequest:
    # System.Web.Cors's resource OriginNotAllowed, as HttpError's {"message"}.
    return BadRequest(f"The origin '{origin}' is not allowed.")


CORS = Cors(allowed_origin, lambda operation: True, refuse_preflight=origin_not_allowed)
