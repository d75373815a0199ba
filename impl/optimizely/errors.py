"""Optimizely's two error formats: the Storefront API's `{"message"}` (ASP.NET's HttpError)
and, on the token endpoint, OAuth's `{error, error_description}` (every token failure a 400).

The sign-in texts are placeholders: the real ones are site messages kept in the vendor's
database, none of them public."""

from __future__ import annotations

from typing import ClassVar, NamedTuple, cast

from ..core.kit.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    SessimError,
    Unauthenticated,
)
from ..core.web.catalog import Catalog
from ..core.web.oauth_errors import OAuthEntry, oauth_body, oauth_entry
from ..core.web.problems import Kind, Problem
from ..generated.dicts import optimizely as shapes


class StorefrontError(NamedTuple):
    status: int
    message: str | None = None  # None: the problem's own detail


DENIED = "Authorization has been denied for this request."  # ASP.NET's own text
# The Storefront API's status and words for what core and connexion raise in neutral terms.
ERRORS: dict[Kind, StorefrontError] = {
    Kind.INVALID_INPUT: StorefrontError(400),
    Kind.UNAUTHENTICATED: StorefrontError(401, DENIED),
    Kind.AUTHENTICATION_FAILED: StorefrontError(
        401, "Sign In unsuccessful. Please correct the errors and try again."
    ),
    Kind.ACCOUNT_LOCKED: StorefrontError(
        403, "Your account has been locked. Please try again later."
    ),
    Kind.ACCOUNT_INACTIVE: StorefrontError(403, "Your account has been deactivated."),
    Kind.FORBIDDEN: StorefrontError(403),
    Kind.NOT_FOUND: StorefrontError(404),
    Kind.CONFLICT: StorefrontError(409),
    Kind.METHOD_NOT_ALLOWED: StorefrontError(405),
    Kind.UNSUPPORTED_MEDIA_TYPE: StorefrontError(415),
    Kind.PAYLOAD_TOO_LARGE: StorefrontError(413),
    Kind.RATE_LIMITED: StorefrontError(429),
    Kind.UNAVAILABLE: StorefrontError(503),
    Kind.SERVER_ERROR: StorefrontError(500),
}


REFUSED = OAuthEntry(400, "invalid_request")
WRONG_GRANT = OAuthEntry(400, "invalid_grant")
# OAuth's answer on the token endpoint: every refusal of the grant or client a 400; a wrong
# password, a lockout or an inactive user all invalid_grant. Failures that are not the
# grant's or client's keep their own status.
OAUTH_ERRORS: dict[Kind, OAuthEntry] = {
    **dict.fromkeys(Kind, REFUSED),
    Kind.AUTHENTICATION_FAILED: WRONG_GRANT,
    Kind.ACCOUNT_LOCKED: WRONG_GRANT,
    Kind.ACCOUNT_INACTIVE: WRONG_GRANT,
    Kind.PAYLOAD_TOO_LARGE: OAuthEntry(413, "invalid_request"),
    Kind.RATE_LIMITED: OAuthEntry(429, "temporarily_unavailable"),
    Kind.UNAVAILABLE: OAuthEntry(503, "temporarily_unavailable"),
    Kind.SERVER_ERROR: OAuthEntry(500, "server_error"),
}


class Message(SessimError):
    """A failure a handler words itself, in the vendor's terms; `status` when its Kind's
    is not the one."""

    status: ClassVar[int | None] = None


class BadRequest(Message, InvalidInput):
    pass


class Denied(Message, Unauthenticated):
    pass


class Refused(Message, Forbidden):
    pass


class Missing(Message, NotFound):
    pass


class PasswordChangeRequired(Refused):
    """IsPasswordChangeRequired at sign-in: the clients open their change dialog on 422."""

    status = 422


def _message(problem: Problem, entry: StorefrontError, status: int) -> shapes.Error:
    """A handler's own wording, else the Kind's, else the problem's detail."""
    own = isinstance(problem.error, Message)
    text = problem.detail if own else entry.message or problem.detail
    return {"message": text or "An error has occurred."}


def _oauth(problem: Problem, entry: OAuthEntry, status: int) -> shapes.OAuthError:
    return cast(shapes.OAuthError, oauth_body(problem, entry))


CATALOG = Catalog(ERRORS, _message)
OAUTH_CATALOG = Catalog(OAUTH_ERRORS, _oauth, refine=oauth_entry)
