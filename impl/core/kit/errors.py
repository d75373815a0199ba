"""Neutral failures that core raises and each vendor's errors module renders in its own format."""

from __future__ import annotations


class SessimError(Exception):
    """Base of the failures a vendor maps to its own status and body."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(SessimError):
    """The request is well-formed HTTP but its content is not acceptable."""


class PayloadTooLarge(SessimError):
    """The request body is larger than the configured limit (refused before it is read whole)."""


class UnsupportedMediaType(SessimError):
    """The request body is in a media type the API does not take."""


class InvalidParameter(InvalidInput):
    """A path, query, header or cookie parameter is missing or not of its documented type."""

    def __init__(self, parameter: str, detail: str) -> None:
        super().__init__(f"{parameter}: {detail}")
        self.parameter = parameter


class AuthenticationFailed(SessimError):
    """Unknown login, wrong password, or a bad, expired or used token."""


class TokenExpired(AuthenticationFailed):
    """A genuine token past its exp by the shared clock (a vendor's ExpiredTokenException)."""


class TokenRevoked(AuthenticationFailed):
    """A genuine, unexpired token that was revoked (a logout)."""


class Unauthenticated(SessimError):
    """A protected call whose credentials are missing or no longer valid."""


class AccountLocked(SessimError):
    """Too many failed attempts; the account is locked until `until` (epoch seconds)."""

    def __init__(self, until: float, detail: str = "") -> None:
        super().__init__(detail)
        self.until = until


class AccountInactive(SessimError):
    """The account exists but may not sign in (suspended, deprovisioned, ...)."""


class Forbidden(SessimError):
    """Authenticated, but not allowed to act on this resource."""


class Conflict(SessimError):
    """The request is valid but the current state does not allow it."""


class RateLimited(SessimError):
    """Past a rate limit; the window ends at `until` (epoch seconds)."""

    def __init__(self, until: float, detail: str = "") -> None:
        super().__init__(detail)
        self.until = until


class Unavailable(SessimError):
    """The store cannot be reached now (a Redis restarting, a network cut): nothing was
    decided, and the same request may succeed after `retry_after` seconds."""

    retry_after = 1


class NotFound(SessimError):
    """No live resource with this id (never existed, ended or expired)."""
