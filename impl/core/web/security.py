"""connexion's security handlers, passed to AsyncApp as its `security_map`, with one change:
whether a security function takes `request` or `required_scopes` is found out once per
function instead of by inspect.signature on every request (7% of a getSession, profiled)."""

from __future__ import annotations

import functools

from connexion.security import SECURITY_HANDLERS, AbstractSecurityHandler


def _inspected_once(handler: type[AbstractSecurityHandler]) -> type[AbstractSecurityHandler]:
    accepts = functools.cache(handler._accepts_kwarg)
    return type(handler.__name__, (handler,), {"_accepts_kwarg": staticmethod(accepts)})


SECURITY_MAP = {scheme: _inspected_once(handler) for scheme, handler in SECURITY_HANDLERS.items()}
