"""Vestiaire's error catalog: core's neutral problems as ErrorResponse bodies,
{"errors": [{code, title, detail}]}."""

from __future__ import annotations

from typing import NamedTuple

from ..core.web.bodies import dump
from ..core.web.catalog import Catalog
from ..core.web.problems import Kind, Problem
from ..generated.vestiaire import Code, ErrorDetail, ErrorResponse


class VestiaireError(NamedTuple):
    status: int
    code: Code
    title: str
    detail: str | None = None  # None: the problem's own detail


WRONG_LOGIN = VestiaireError(
    401, Code.invalid_credentials, "Invalid credentials", "The email or password is incorrect."
)
ERRORS: dict[Kind, VestiaireError] = {
    Kind.INVALID_INPUT: VestiaireError(400, Code.validation_failed, "Invalid request"),
    Kind.UNAUTHENTICATED: VestiaireError(
        401, Code.unauthorized, "Unauthorized", "A valid __session header is required."
    ),
    Kind.AUTHENTICATION_FAILED: WRONG_LOGIN,
    Kind.ACCOUNT_INACTIVE: WRONG_LOGIN,
    Kind.ACCOUNT_LOCKED: VestiaireError(
        401,
        Code.account_locked,
        "Account locked",
        "Too many failed log-in attempts. Please try again later.",
    ),
    Kind.FORBIDDEN: VestiaireError(403, Code.forbidden, "Forbidden"),
    Kind.NOT_FOUND: VestiaireError(404, Code.not_found, "Not found"),
    Kind.METHOD_NOT_ALLOWED: VestiaireError(405, Code.method_not_allowed, "Method not allowed"),
    Kind.CONFLICT: VestiaireError(409, Code.conflict, "Conflict"),
    Kind.UNSUPPORTED_MEDIA_TYPE: VestiaireError(
        415, Code.unsupported_media_type, "Unsupported media type"
    ),
    Kind.PAYLOAD_TOO_LARGE: VestiaireError(413, Code.payload_too_large, "Payload too large"),
    Kind.RATE_LIMITED: VestiaireError(429, Code.rate_limited, "Too many requests"),
    Kind.UNAVAILABLE: VestiaireError(503, Code.service_unavailable, "Service unavailable"),
    Kind.SERVER_ERROR: VestiaireError(500, Code.internal_error, "Internal error"),
}


def _body(problem: Problem, entry: VestiaireError, status: int) -> dict:
    detail = entry.detail or problem.detail or entry.title
    return dump(
        ErrorResponse(errors=[ErrorDetail(code=entry.code, title=entry.title, detail=detail)])
    )


CATALOG = Catalog(ERRORS, _body)
