"""Okta's error catalog: core's neutral problems as Okta Error bodies (errorCode,
errorSummary, errorLink, errorId, errorCauses), with the codes and summaries real Okta returns."""

from __future__ import annotations

import math
from typing import NamedTuple

from ..core.kit.errors import Forbidden, InvalidInput
from ..core.kit.tokens import ALPHANUMERIC, opaque_id
from ..core.web.bodies import dump
from ..core.web.catalog import Catalog
from ..core.web.oauth_errors import NO_STORE, OAuthEntry, bearer_challenge, oauth_body, oauth_entry
from ..core.web.problems import Kind, Problem
from ..generated.okta import Error, ErrorCause


class OktaError(NamedTuple):
    status: int
    code: str
    summary: str  # errorSummary; {detail} is the problem's subject


AUTHENTICATION_FAILED = OktaError(401, "E0000004", "Authentication failed")
NOT_WELL_FORMED = OktaError(400, "E0000003", "The request body was not well-formed.")
API_VALIDATION_FAILED = OktaError(400, "E0000001", "Api validation failed: {detail}")
# Okta's error catalogue (error-codes.json): a filter expression it cannot read.
INVALID_FILTER = OktaError(400, "E0000031", "Bad request. Invalid filter parameter.")
SEARCH_WITH_FILTER = OktaError(
    400, "E0000033", "Bad request. Can't specify a search query and filter in the same request."
)
# The Apps API reference's answer to deleting an ACTIVE application, cause and all.
DELETE_APP_FORBIDDEN = OktaError(403, "E0000056", "Delete application forbidden.")
MUST_DEACTIVATE = "The application must be deactivated before deletion."


class ApiValidationFailed(InvalidInput):
    """Okta's E0000001 for fields of a body: the fields in the summary, a cause for each
    (`<field>: <what is wrong>`, as Okta words them)."""

    def __init__(self, causes: dict[str, str]) -> None:
        super().__init__(", ".join(causes))
        self.causes = [f"{name}: {what}" for name, what in causes.items()]


class UserStatusRefused(Forbidden):
    """A lifecycle operation the user's status does not allow, answered with its own code."""

    def __init__(self, entry: OktaError, user_id: str) -> None:
        super().__init__(f"{user_id} is not in a status that allows this")
        self.entry = entry


class DeleteAppForbidden(Forbidden):
    """An ACTIVE application asked to be deleted."""


class InvalidFilter(InvalidInput):
    """A `filter` query parameter that is no expression Sessim can evaluate."""


class SearchWithFilter(InvalidInput):
    """A list's `q` given with a `filter` or `search`, which Okta refuses together."""


ERRORS: dict[Kind, OktaError] = {
    Kind.INVALID_INPUT: NOT_WELL_FORMED,
    Kind.UNAUTHENTICATED: OktaError(401, "E0000011", "Invalid token provided"),
    Kind.AUTHENTICATION_FAILED: AUTHENTICATION_FAILED,
    # Okta's default policy hides lockouts and inactive users behind a plain failure.
    Kind.ACCOUNT_LOCKED: AUTHENTICATION_FAILED,
    Kind.ACCOUNT_INACTIVE: AUTHENTICATION_FAILED,
    Kind.FORBIDDEN: OktaError(
        403, "E0000006", "You do not have permission to perform the requested action"
    ),
    Kind.NOT_FOUND: OktaError(404, "E0000007", "Not found: Resource not found: {detail}"),
    Kind.CONFLICT: API_VALIDATION_FAILED,
    Kind.METHOD_NOT_ALLOWED: OktaError(
        405, "E0000022", "The endpoint does not support the provided HTTP method"
    ),
    Kind.UNSUPPORTED_MEDIA_TYPE: NOT_WELL_FORMED._replace(status=415),
    # Inferred: no public source shows Okta's answer to an oversized body.
    Kind.PAYLOAD_TOO_LARGE: NOT_WELL_FORMED._replace(status=413),
    Kind.RATE_LIMITED: OktaError(
        429, "E0000047", "API call exceeded rate limit due to too many requests."
    ),
    # Okta's 503 code; what Okta says while its own store is down is not public.
    Kind.UNAVAILABLE: OktaError(503, "E0000010", "Service is in read only mode"),
    Kind.SERVER_ERROR: OktaError(500, "E0000009", "Internal Server Error"),
}


def _refine(problem: Problem, entry: OktaError) -> OktaError:
    """A bad parameter or field is Okta's validation failure, naming it; a bad filter and a
    lifecycle operation the user's status refuses their own codes."""
    if isinstance(problem.error, InvalidFilter):
        return INVALID_FILTER
    if isinstance(problem.error, SearchWithFilter):
        return SEARCH_WITH_FILTER
    if isinstance(problem.error, UserStatusRefused):
        return problem.error.entry
    if isinstance(problem.error, DeleteAppForbidden):
        return DELETE_APP_FORBIDDEN
    if problem.parameter is not None or isinstance(problem.error, ApiValidationFailed):
        return API_VALIDATION_FAILED
    return entry


def _body(problem: Problem, entry: OktaError, status: int) -> dict:
    return dump(
        Error(
            errorCode=entry.code,
            errorSummary=entry.summary.format(detail=_subject(problem)),
            errorLink=entry.code,
            errorId=opaque_id(22, "oae", alphabet=ALPHANUMERIC),
            errorCauses=_causes(problem, entry.code),
        )
    )


def _spent_window(problem: Problem) -> dict[str, str]:
    """A 429's bucket is spent until its window resets (the edge adds the bucket's limit)."""
    if problem.kind is not Kind.RATE_LIMITED or problem.until is None:
        return {}
    return {"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": str(math.ceil(problem.until))}


def _subject(problem: Problem) -> str:
    if problem.parameter is not None:
        return problem.parameter
    if problem.kind is Kind.NOT_FOUND and problem.status is not None:
        return "the requested path (Route)"  # the router's 404, not a missing resource
    return problem.detail


def _causes(problem: Problem, code: str) -> list[ErrorCause]:
    """Okta lists causes for validation failures (E0000001) and a refused delete of an
    application (E0000056); elsewhere the array is empty."""
    if code == DELETE_APP_FORBIDDEN.code:
        return [ErrorCause(errorSummary=MUST_DEACTIVATE)]
    if code != "E0000001":
        return []
    if isinstance(problem.error, ApiValidationFailed):
        return [ErrorCause(errorSummary=cause) for cause in problem.error.causes]
    return [ErrorCause(errorSummary=problem.detail)]


CATALOG = Catalog(ERRORS, _body, refine=_refine, headers=_spent_window)


# --- OAuth's errors, on the authorization servers' OAuth endpoints ------------------------
# (core's oauth_errors: the classes handlers raise with Okta's wordings, the body)

UNAVAILABLE = OAuthEntry(503, "temporarily_unavailable")
INVALID_REQUEST = OAuthEntry(400, "invalid_request")
OAUTH_ERRORS: dict[Kind, OAuthEntry | OktaError] = {
    **dict.fromkeys(Kind, INVALID_REQUEST),
    # An unknown authorization server is the API's own 404 (the OIDC reference shows it).
    Kind.NOT_FOUND: ERRORS[Kind.NOT_FOUND],
    Kind.METHOD_NOT_ALLOWED: ERRORS[Kind.METHOD_NOT_ALLOWED],
    Kind.UNSUPPORTED_MEDIA_TYPE: INVALID_REQUEST._replace(status=415),
    # Refused before routing, so in the API's format; the entry for completeness.
    Kind.PAYLOAD_TOO_LARGE: ERRORS[Kind.PAYLOAD_TOO_LARGE],
    Kind.UNAVAILABLE: UNAVAILABLE,
    Kind.SERVER_ERROR: OAuthEntry(500, "server_error"),
}


def _oauth_entry(problem: Problem, entry: OAuthEntry | OktaError) -> OAuthEntry | OktaError:
    """The raised error's OAuth code; invalid_client a 401, as Okta answers it."""
    refined = oauth_entry(problem, entry)
    if isinstance(refined, OAuthEntry) and refined.code == "invalid_client":
        return refined._replace(status=401)
    return refined


def _oauth_body(problem: Problem, entry: OAuthEntry | OktaError, status: int) -> dict:
    if isinstance(entry, OktaError):
        return _body(problem, entry, status)
    return oauth_body(problem, entry)


def _oauth_headers(problem: Problem) -> dict[str, str]:
    """OAuth's answers are never cached (RFC 6749 5.1 and 5.2), a refused bearer token
    says why in WWW-Authenticate (RFC 6750 3.1); the API's 404 is the API's own answer."""
    if problem.kind in (Kind.NOT_FOUND, Kind.METHOD_NOT_ALLOWED, Kind.PAYLOAD_TOO_LARGE):
        return {}
    return {**NO_STORE, **bearer_challenge(problem)}


OAUTH_CATALOG = Catalog(OAUTH_ERRORS, _oauth_body, refine=_oauth_entry, headers=_oauth_headers)
