"""Any failure, from connexion, starlette, core or a bug, as one neutral Problem.

Each vendor's errors module turns a Problem into its own status, headers and body.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from connexion.exceptions import ProblemException
from starlette.exceptions import HTTPException

from ..kit import errors

log = logging.getLogger("sessim")


class Kind(StrEnum):
    INVALID_INPUT = "invalid_input"
    UNAUTHENTICATED = "unauthenticated"  # missing or unusable credentials on a protected call
    AUTHENTICATION_FAILED = "authentication_failed"  # wrong login, password or token
    ACCOUNT_LOCKED = "account_locked"
    ACCOUNT_INACTIVE = "account_inactive"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"  # the store cannot be reached now: retry later
    SERVER_ERROR = "server_error"


@dataclass
class Problem:
    kind: Kind
    detail: str
    # The HTTP status when the failure fixes one (connexion's own); else the vendor picks.
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # For lockouts and rate limits: when the lock or window ends, in epoch seconds.
    until: float | None = None
    # For a bad parameter (not body): the parameter's name.
    parameter: str | None = None
    # The core error behind it, when there is one: a vendor's own subclass may say more
    # (SFCC names a fault type per failure) than its Kind does.
    error: errors.SessimError | None = None
    # Made up by a fault rule (impl/core/faults.py): `status` is the rule's, whatever status
    # the vendor would give the Kind.
    injected: bool = False

    def status_or(self, default: int) -> int:
        """The status to answer: an injected problem's own, else the vendor's `default`."""
        return self.status if self.injected and self.status is not None else default


KIND_BY_STATUS = {
    400: Kind.INVALID_INPUT,
    401: Kind.UNAUTHENTICATED,
    403: Kind.FORBIDDEN,
    404: Kind.NOT_FOUND,
    405: Kind.METHOD_NOT_ALLOWED,
    409: Kind.CONFLICT,
    413: Kind.PAYLOAD_TOO_LARGE,
    415: Kind.UNSUPPORTED_MEDIA_TYPE,
    429: Kind.RATE_LIMITED,
    503: Kind.UNAVAILABLE,
}

# A subclass (a vendor's own, or core's InvalidParameter) takes its nearest listed base's Kind.
KIND_BY_ERROR: dict[type[errors.SessimError], Kind] = {
    errors.InvalidInput: Kind.INVALID_INPUT,
    errors.PayloadTooLarge: Kind.PAYLOAD_TOO_LARGE,
    errors.UnsupportedMediaType: Kind.UNSUPPORTED_MEDIA_TYPE,
    errors.AuthenticationFailed: Kind.AUTHENTICATION_FAILED,
    errors.Unauthenticated: Kind.UNAUTHENTICATED,
    errors.AccountLocked: Kind.ACCOUNT_LOCKED,
    errors.AccountInactive: Kind.ACCOUNT_INACTIVE,
    errors.Forbidden: Kind.FORBIDDEN,
    errors.NotFound: Kind.NOT_FOUND,
    errors.Conflict: Kind.CONFLICT,
    errors.RateLimited: Kind.RATE_LIMITED,
    errors.Unavailable: Kind.UNAVAILABLE,
}


def to_problem(exc: Exception) -> Problem:
    if isinstance(exc, errors.Unavailable):
        # An outage, not a bug: one line naming the cause (host and port stay in the log).
        log.warning("store unavailable: %s", exc.__cause__ or exc.detail)
        headers = {"Retry-After": str(exc.retry_after)}
        return Problem(Kind.UNAVAILABLE, exc.detail, headers=headers, error=exc)
    if isinstance(exc, errors.SessimError) and (kind := _kind_of(exc)) is not None:
        return Problem(
            kind,
            exc.detail,
            until=getattr(exc, "until", None),
            parameter=getattr(exc, "parameter", None),
            error=exc,
        )
    if isinstance(exc, ProblemException):
        return _http(exc.status, str(exc.detail or exc.title or ""), exc.headers)
    if isinstance(exc, HTTPException):
        return _http(exc.status_code, exc.detail, exc.headers)
    if isinstance(exc, UnicodeDecodeError):
        # connexion decodes JSON bodies as UTF-8 and would answer 500 (connexion #1860).
        return Problem(Kind.INVALID_INPUT, "The request body is not valid UTF-8.", 400)
    log.exception("unexpected failure", exc_info=exc)
    return Problem(Kind.SERVER_ERROR, "An unexpected error occurred.", 500)


def _kind_of(exc: errors.SessimError) -> Kind | None:
    """The Kind of the nearest class in exc's ancestry that has one; None for anything else
    (a bare SessimError is a bug, answered 500)."""
    return next((KIND_BY_ERROR[cls] for cls in type(exc).__mro__ if cls in KIND_BY_ERROR), None)


def kind_of_status(status: int) -> Kind:
    """The Kind an HTTP error status stands for: its own, else a client's or a server's error."""
    return KIND_BY_STATUS.get(status, Kind.SERVER_ERROR if status >= 500 else Kind.INVALID_INPUT)


def _http(status: int, detail: str, headers: Mapping[str, str] | None) -> Problem:
    return Problem(kind_of_status(status), detail, status, dict(headers or {}))
