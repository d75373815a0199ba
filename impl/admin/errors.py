"""Admin failures, and those on paths no API owns, as RFC 7807 problem details."""

from __future__ import annotations

from http import HTTPStatus

from connexion.lifecycle import ConnexionResponse

from ..core.web.bodies import dump, json_response
from ..core.web.problems import Kind, Problem
from ..generated.admin import Problem as ProblemBody

STATUS = {
    Kind.INVALID_INPUT: 400,
    Kind.UNAUTHENTICATED: 401,
    Kind.AUTHENTICATION_FAILED: 401,
    Kind.ACCOUNT_LOCKED: 401,
    Kind.ACCOUNT_INACTIVE: 401,
    Kind.FORBIDDEN: 403,
    Kind.NOT_FOUND: 404,
    Kind.METHOD_NOT_ALLOWED: 405,
    Kind.CONFLICT: 409,
    Kind.UNSUPPORTED_MEDIA_TYPE: 415,
    Kind.PAYLOAD_TOO_LARGE: 413,
    Kind.RATE_LIMITED: 429,
    Kind.UNAVAILABLE: 503,
    Kind.SERVER_ERROR: 500,
}


def render(problem: Problem) -> ConnexionResponse:
    status = problem.status or STATUS[problem.kind]
    body = ProblemBody(
        type="about:blank", title=HTTPStatus(status).phrase, status=status, detail=problem.detail
    )
    return json_response(dump(body), status, problem.headers, "application/problem+json")
