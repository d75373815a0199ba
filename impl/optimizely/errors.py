"""Optimizely's two error formats: the Storefront API's `{"message"}` (ASP.NET's HttpError)
and, on the token endpoint, OAuth's `{error, error_description}` (every token failure a 400).

The sign-in texts are placeholders: the real ones are site messages kept in the vendor's
database, none of them public."""

from __future__ import annotations

from typing import ClassVar

from connexion.lifecycle import ConnexionResponse

from ..core.kit.errors import (
    AuthenticationFailed,
    Forbidden,
    InvalidInput,
    NotFound,
    SessimError,
    Unauthenticated,
)
from ..core.web.bodies import json_response
from ..core.web.problems import Kind, Problem

STATUS: dict[Kind, int] = {
    Kind.INVALID_INPUT: 400,
    Kind.UNAUTHENTICATED: 401,
    Kind.AUTHENTICATION_FAILED: 401,
    Kind.ACCOUNT_LOCKED: 403,
    Kind.ACCOUNT_INACTIVE: 403,
    Kind.FORBIDDEN: 403,
    Kind.NOT_FOUND: 404,
    Kind.CONFLICT: 409,
    Kind.METHOD_NOT_ALLOWED: 405,
    Kind.UNSUPPORTED_MEDIA_TYPE: 415,
    Kind.PAYLOAD_TOO_LARGE: 413,
    Kind.RATE_LIMITED: 429,
    Kind.UNAVAILABLE: 503,
    Kind.SERVER_ERROR: 500,
}
# Failures that are not the grant's or client's: their own status, OAuth's body.
OWN_STATUS = (Kind.PAYLOAD_TOO_LARGE, Kind.RATE_LIMITED, Kind.UNAVAILABLE, Kind.SERVER_ERROR)
DENIED = "Authorization has been denied for this request."  # ASP.NET's own text
# The Storefront API's words for what core and connexion raise in neutral terms.
MESSAGES: dict[Kind, str] = {
    Kind.UNAUTHENTICATED: DENIED,
    Kind.AUTHENTICATION_FAILED: "Sign In unsuccessful. Please correct the errors and try again.",
    Kind.ACCOUNT_LOCKED: "Your account has been locked. Please try again later.",
    Kind.ACCOUNT_INACTIVE: "Your account has been deactivated.",
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


class OAuthError(InvalidInput):
    """A token request OAuth refuses with `code` (invalid_request unless a subclass says)."""

    code = "invalid_request"


class InvalidClient(OAuthError):
    code = "invalid_client"


class UnsupportedGrantType(OAuthError):
    code = "unsupported_grant_type"


class InvalidGrant(OAuthError):
    code = "invalid_grant"


def render(problem: Problem) -> ConnexionResponse:
    error = problem.error
    if isinstance(error, Message):
        status, text = error.status or STATUS[problem.kind], problem.detail
    else:
        status = problem.status or STATUS[problem.kind]
        text = MESSAGES.get(problem.kind) or problem.detail
    return json_response({"message": text or "An error has occurred."}, status, problem.headers)


def render_oauth(problem: Problem) -> ConnexionResponse:
    """OAuth's body; a wrong password, a lockout or an inactive user are all invalid_grant."""
    error = problem.error
    if isinstance(error, OAuthError):
        code = error.code
    elif isinstance(error, AuthenticationFailed) or problem.kind in (
        Kind.ACCOUNT_LOCKED,
        Kind.ACCOUNT_INACTIVE,
    ):
        code = "invalid_grant"
    elif problem.kind is Kind.SERVER_ERROR:
        code = "server_error"
    elif problem.kind in (Kind.RATE_LIMITED, Kind.UNAVAILABLE):
        code = "temporarily_unavailable"
    else:
        code = "invalid_request"
    status = problem.status_or(STATUS[problem.kind] if problem.kind in OWN_STATUS else 400)
    body = {"error": code, "error_description": problem.detail or code}
    return json_response(body, status, problem.headers)
