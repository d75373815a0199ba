"""Core's neutral problems as Vestiaire ErrorResponse bodies: {"errors": [{code, title, ...}]}."""

from __future__ import annotations

from connexion.lifecycle import ConnexionResponse

from ..core.web.bodies import dump, json_response
from ..core.web.problems import Kind, Problem
from ..generated.vestiaire import Code, ErrorDetail, ErrorResponse

# kind -> status, code, title, and the detail to show (None: the problem's own detail).
ERRORS: dict[Kind, tuple[int, Code, str, str | None]] = {
    Kind.INVALID_INPUT: (400, Code.validation_failed, "Invalid request", None),
    Kind.UNAUTHENTICATED: (
        401,
        Code.unauthorized,
        "Unauthorized",
        "A valid __session header is required.",
    ),
    Kind.AUTHENTICATION_FAILED: (
        401,
        Code.invalid_credentials,
        "Invalid credentials",
        "The email or password is incorrect.",
    ),
    Kind.ACCOUNT_INACTIVE: (
        401,
        Code.invalid_credentials,
        "Invalid credentials",
        "The email or password is incorrect.",
    ),
    Kind.ACCOUNT_LOCKED: (
        401,
        Code.account_locked,
        "Account locked",
        "Too many failed log-in attempts. Please try again later.",
    ),
    Kind.FORBIDDEN: (403, Code.forbidden, "Forbidden", None),
    Kind.NOT_FOUND: (404, Code.not_found, "Not found", None),
    Kind.METHOD_NOT_ALLOWED: (405, Code.method_not_allowed, "Method not allowed", None),
    Kind.CONFLICT: (409, Code.conflict, "Conflict", None),
    Kind.UNSUPPORTED_MEDIA_TYPE: (415, Code.unsupported_media_type, "Unsupported media type", None),
    Kind.PAYLOAD_TOO_LARGE: (413, Code.payload_too_large, "Payload too large", None),
    Kind.RATE_LIMITED: (429, Code.rate_limited, "Too many requests", None),
    Kind.UNAVAILABLE: (503, Code.service_unavailable, "Service unavailable", None),
    Kind.SERVER_ERROR: (500, Code.internal_error, "Internal error", None),
}


def render(problem: Problem) -> ConnexionResponse:
    status, code, title, detail = ERRORS[problem.kind]
    body = ErrorResponse(
        errors=[ErrorDetail(code=code, title=title, detail=detail or problem.detail or title)]
    )
    return json_response(dump(body), problem.status or status, problem.headers)
