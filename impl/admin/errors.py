"""The admin API's error catalog: its failures, and those on paths no API owns, as RFC 7807
problem details."""

from __future__ import annotations

from http import HTTPStatus
from typing import NamedTuple

from ..core.web.bodies import dump
from ..core.web.catalog import Catalog
from ..core.web.problems import Kind, Problem
from ..generated.admin import Problem as ProblemBody


class AdminError(NamedTuple):
    status: int


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


def _body(problem: Problem, entry: AdminError, status: int) -> dict:
    phrase = HTTPStatus(status).phrase
    return dump(ProblemBody(type="about:blank", title=phrase, status=status, detail=problem.detail))


CATALOG = Catalog(
    {kind: AdminError(status) for kind, status in STATUS.items()},
    _body,
    media_type="application/problem+json",
)
