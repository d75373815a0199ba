"""OAuth 2.0's error answers (RFC 6749 5.2, RFC 6750 3.1), the mechanics every vendor's
token endpoint shares: an error class per `error` code, its entry in a vendor's catalog,
the `{error, error_description}` body and the no-store headers of a token answer.

The wording (`error_description`) is each vendor's: its handlers raise these classes with
their own text, and its catalog chooses the status of each Kind.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple, TypeVar

from ..kit.errors import InvalidInput
from .problems import Problem

E = TypeVar("E")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class OAuthEntry(NamedTuple):
    status: int
    code: str  # OAuth's `error`


class OAuthError(InvalidInput):
    """A request refused with OAuth's `code` (invalid_request unless a subclass says) and
    the handler's wording as `error_description`; `status` when not the catalog's 400."""

    code: ClassVar[str] = "invalid_request"
    status: ClassVar[int | None] = None


class InvalidClient(OAuthError):
    code = "invalid_client"


class InvalidGrant(OAuthError):
    code = "invalid_grant"


class UnauthorizedClient(OAuthError):
    code = "unauthorized_client"


class UnsupportedGrantType(OAuthError):
    code = "unsupported_grant_type"


class UnsupportedTokenType(OAuthError):
    code = "unsupported_token_type"  # RFC 7009 2.2.1


class InvalidScope(OAuthError):
    code = "invalid_scope"


class AccessDenied(OAuthError):
    code = "access_denied"


class InvalidToken(OAuthError):
    """A bearer token refused by a protected resource (RFC 6750 3.1)."""

    code = "invalid_token"
    status = 401


class InsufficientScope(OAuthError):
    code = "insufficient_scope"
    status = 403


def oauth_entry(problem: Problem, entry: E) -> OAuthEntry | E:
    """A catalog's refine: an OAuthError raised answers its own code (at the entry's
    status, unless the error names one: the catalog's status policy reads it)."""
    error = problem.error
    if not isinstance(error, OAuthError) or not isinstance(entry, OAuthEntry):
        return entry
    return OAuthEntry(entry.status, error.code)


def oauth_body(problem: Problem, entry: OAuthEntry) -> dict[str, str]:
    """`{error, error_description}`: the handler's wording, else the code."""
    return {"error": entry.code, "error_description": problem.detail or entry.code}


def bearer_challenge(problem: Problem, realm: str | None = None) -> dict[str, str]:
    """RFC 6750's WWW-Authenticate for a refused bearer token (invalid_token,
    insufficient_scope), as `Bearer error="...", error_description="..."`."""
    error = problem.error
    if not isinstance(error, InvalidToken | InsufficientScope):
        return {}
    parts = [f'realm="{realm}"'] if realm else []
    parts += [f'error="{error.code}"', f'error_description="{problem.detail}"']
    return {"WWW-Authenticate": "Bearer " + ", ".join(parts)}
