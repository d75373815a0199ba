"""The bearer of the Storefront API: an access token of the token endpoint."""

from __future__ import annotations

from typing import Any

from ..core.kit.errors import AuthenticationFailed
from ..core.kit.runtime import runtime_of
from .errors import Denied
from .state import optimizely


async def bearer(token: str, request: Any) -> dict:
    """The token's user and sign-in; a token that does not verify (expired, revoked by a
    sign-out, not ours) is Denied, which GET and PATCH take as no bearer at all."""
    state = await optimizely(runtime_of(request))
    try:
        claims = await state.jwt.verify(token)
    except AuthenticationFailed:
        raise Denied("Authorization has been denied for this request.") from None
    if "sid" not in claims:
        raise Denied("Authorization has been denied for this request.")
    return {"sub": claims["sub"], "sid": claims["sid"], "token": token}
