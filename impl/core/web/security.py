"""connexion's security handlers, passed to AsyncApp as its `security_map`, with three
changes: whether a security function takes `request` or `required_scopes` is found out once
per function instead of by inspect.signature on every request (7% of a getSession,
profiled); an API key in a header is read straight from the scope, as Starlette's Headers
reads it, without making one of the whole list; and a Bearer scheme that says
`x-sessim-strict-header: true` refuses an Authorization header that is there but not
`Bearer <token>` (another scheme, no token, more than one word) as malformed, where
connexion would take it for no credentials at all."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from connexion.exceptions import OAuthProblem
from connexion.security import (
    NO_VALUE,
    SECURITY_HANDLERS,
    AbstractSecurityHandler,
    ApiKeySecurityHandler,
    BearerSecurityHandler,
)

from .headers import first_header

STRICT = "x-sessim-strict-header"
MALFORMED = "Invalid authorization header"  # connexion's own words for a header it cannot split
B64TOKEN = re.compile(r"[A-Za-z0-9._~+/-]+=*")  # RFC 6750's b64token


def bearer_token(header: str) -> str | None:
    """The token of an Authorization value `Bearer <token>` (the scheme in any case), else None."""
    parts = header.split()
    if len(parts) != 2 or parts[0].lower() != "bearer" or not B64TOKEN.fullmatch(parts[1]):
        return None
    return parts[1]


class StrictBearerHandler(BearerSecurityHandler):
    def get_fn(self, security_scheme: dict, required_scopes: Any) -> Any:
        # connexion makes one handler per scheme it parses: the flag is this scheme's.
        self.strict = bool(security_scheme.get(STRICT))
        return super().get_fn(security_scheme, required_scopes)

    def _get_verify_func(self, token_info_func: Callable) -> Callable:
        verify = super()._get_verify_func(token_info_func)
        if not self.strict:
            return verify

        def strictly(request: Any) -> Any:
            header = request.headers.get("Authorization")
            if header and bearer_token(header) is None:
                raise OAuthProblem(detail=MALFORMED)
            return verify(request)

        return strictly


class HeaderKeyHandler(ApiKeySecurityHandler):
    def _get_verify_func(
        self, api_key_info_func: Callable, loc: str, name: str, required_scopes: Any
    ) -> Callable:
        if loc != "header":
            return super()._get_verify_func(api_key_info_func, loc, name, required_scopes)
        check_api_key = self.check_api_key(api_key_info_func)
        header = name.lower().encode("latin-1")

        def wrapper(request: Any) -> Any:
            api_key = first_header(request.scope, header)
            if api_key is None:
                return NO_VALUE
            return check_api_key(request, api_key, required_scopes=required_scopes)

        return wrapper


def _inspected_once(handler: type[AbstractSecurityHandler]) -> type[AbstractSecurityHandler]:
    accepts = functools.cache(handler._accepts_kwarg)
    return type(handler.__name__, (handler,), {"_accepts_kwarg": staticmethod(accepts)})


SECURITY_MAP = {
    scheme: _inspected_once(handler)
    for scheme, handler in {
        **SECURITY_HANDLERS,
        "apiKey": HeaderKeyHandler,
        "bearer": StrictBearerHandler,
    }.items()
}
