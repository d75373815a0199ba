"""The Storefront API's sessions, the resources their links name (websites, customers,
warehouses, accounts), and the identity endpoints they need."""

from __future__ import annotations

from starlette.responses import Response

from ..core.kit.runtime import runtime_of
from ..core.web.bodies import respond
from ..core.web.operations import request
from ..generated.optimizely import SessionRequest, SignIn
from .accounts import get_account, update_account
from .context import current, save, signed_in_cookies
from .cookies import signed_out
from .customers import get_bill_to, get_bill_tos, get_ship_to, get_ship_tos
from .identity import create_token, end_session, get_jwks
from .models import session_model
from .patch import update
from .signin import sign_in, sign_out
from .warehouses import get_warehouse, get_warehouses
from .websites import get_currencies, get_currency, get_language, get_languages, get_website

__all__ = [
    "create_token",
    "end_session",
    "get_account",
    "get_bill_to",
    "get_bill_tos",
    "get_currencies",
    "get_currency",
    "get_jwks",
    "get_language",
    "get_languages",
    "get_ship_to",
    "get_ship_tos",
    "get_warehouse",
    "get_warehouses",
    "get_website",
    "update_account",
]


async def get_session(
    setContextLanguageCode: str | None = None,
    setContextCurrencyCode: str | None = None,
    token_info: dict | None = None,
) -> Response:
    """GetSession; the setContext* codes switch the language and currency (an unknown
    code is ignored)."""
    caller = await current(request, token_info)
    language = caller.website.language_by_code(setContextLanguageCode or "")
    if language and language["id"] != caller.language["id"]:
        caller.set_language(language)
    currency = caller.website.currency_by_code(setContextCurrencyCode or "")
    if currency and currency["id"] != caller.currency["id"]:
        caller.set_currency(currency)
    cookies = await save(caller)
    return respond(session_model(caller), 200, cookies=cookies)


async def create_session(body: SignIn, token_info: dict) -> Response:
    caller = await current(request, token_info)
    await sign_in(caller, body)
    return respond(session_model(caller), 200, cookies=signed_in_cookies(caller))


async def update_session(body: SessionRequest, token_info: dict | None = None) -> Response:
    """No body at all (Angular's invalidateEtagsOnServer) binds as `{}`, the spec's default."""
    caller = await current(request, token_info)
    await update(caller, runtime_of(request).store, body)
    cookies = await save(caller)
    return respond(session_model(caller), 200, cookies=cookies)


async def delete_session(token_info: dict) -> Response:
    caller = await current(request, token_info)
    await sign_out(caller, runtime_of(request))
    return respond(None, 204, cookies=signed_out())
