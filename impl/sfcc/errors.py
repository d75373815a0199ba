"""SFCC's error catalog: OCAPI faults, `{"_v":"20.8","fault":{"type","message","arguments"}}`,
with the statuses of OCAPI's global exceptions table. Handlers raise the fault they mean;
failures that reach here otherwise (connexion's validation and security, routing) are named
from their Kind. Messages are Sessim's wording: the real ones are unpublished."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import ClassVar, Final, NamedTuple

from connexion.lifecycle import ConnexionResponse

from ..core.kit.errors import (
    AuthenticationFailed,
    InvalidInput,
    InvalidParameter,
    NotFound,
    SessimError,
    Unauthenticated,
    UnsupportedMediaType,
)
from ..core.web.catalog import Catalog
from ..core.web.problems import Kind, Problem
from ..core.web.security import MALFORMED
from ..generated.dicts import sfcc as shapes

VERSION: Final = "20.8"


class Fault(SessimError):
    """An OCAPI fault a handler raises; `status` is also what connexion's security layer
    reads to pick among failed security schemes."""

    type_name: ClassVar[str]
    status: ClassVar[int]

    def __init__(self, message: str, **arguments: str) -> None:
        super().__init__(message)
        self.arguments = arguments


class MissingClientId(Fault, InvalidInput):
    type_name, status = "MissingClientIdException", 400


class InvalidClientId(Fault, InvalidInput):
    type_name, status = "InvalidClientIdException", 400


class UnknownClientId(Fault, Unauthenticated):
    type_name, status = "UnknownClientIdException", 401


class AuthorizationHeaderMissing(Fault, Unauthenticated):
    type_name, status = "AuthorizationHeaderMissingException", 401


class BasicHeaderMissing(AuthorizationHeaderMissing):
    """Type credentials without a Basic header: 400 in the swagger, the name inferred."""

    status = 400


class InvalidAuthorizationHeader(Fault, Unauthenticated):
    type_name, status = "InvalidAuthorizationHeaderException", 401


class InvalidAccessToken(Fault, AuthenticationFailed):
    type_name, status = "InvalidAccessTokenException", 401


class ExpiredToken(Fault, AuthenticationFailed):
    type_name, status = "ExpiredTokenException", 401


class CustomerAuthenticationFailed(Fault, AuthenticationFailed):
    type_name, status = "AuthenticationFailedException", 401


class UnknownSite(Fault, NotFound):
    type_name, status = "UnknownSiteException", 404


class IllegalHttpMethodOverride(Fault, InvalidInput):
    type_name, status = "IllegalHttpMethodOverrideException", 400


class UnauthorizedOrigin(Fault, Unauthenticated):
    type_name, status = "UnauthorizedOriginException", 401


class UnsupportedContentType(Fault, UnsupportedMediaType):
    type_name, status = "UnsupportedContentTypeException", 415


def illegal_override(method: str) -> IllegalHttpMethodOverride:
    return IllegalHttpMethodOverride(
        f"The HTTP method '{method}' cannot override POST; use PUT, PATCH, DELETE, HEAD or"
        " OPTIONS.",
        method=method,
    )


def unauthorized_origin(origin: str) -> UnauthorizedOrigin:
    return UnauthorizedOrigin(
        f"The origin '{origin}' is not allowed for the client.", origin=origin
    )


def unsupported_content_type(content_type: str) -> UnsupportedContentType:
    return UnsupportedContentType(
        f"The content type '{content_type}' is not supported.", contentType=content_type
    )


class SfccFault(NamedTuple):
    status: int
    type: str
    message: str
    arguments: Mapping[str, str] = MappingProxyType({})


AUTHENTICATION_FAILED = SfccFault(
    401, "AuthenticationFailedException", "Customer authentication failed."
)
# Kind -> the fault of failures no handler named.
BY_KIND: dict[Kind, SfccFault] = {
    Kind.INVALID_INPUT: SfccFault(
        400, "PropertyConstraintViolationException", "The request is invalid."
    ),
    Kind.UNAUTHENTICATED: SfccFault(
        401, "AuthorizationHeaderMissingException", "The Authorization header is missing."
    ),
    # Locked and disabled customers fail as a wrong password does.
    Kind.AUTHENTICATION_FAILED: AUTHENTICATION_FAILED,
    Kind.ACCOUNT_LOCKED: AUTHENTICATION_FAILED,
    Kind.ACCOUNT_INACTIVE: AUTHENTICATION_FAILED,
    Kind.FORBIDDEN: SfccFault(
        403, "ClientAccessForbiddenException", "Access to the resource is denied."
    ),
    Kind.NOT_FOUND: SfccFault(
        404, "ResourcePathNotFoundException", "No resource matches the path."
    ),
    Kind.CONFLICT: SfccFault(
        409, "ConflictException", "The request conflicts with the resource's state."
    ),
    Kind.METHOD_NOT_ALLOWED: SfccFault(
        405, "MethodNotAllowedException", "The method is not allowed."
    ),
    Kind.UNSUPPORTED_MEDIA_TYPE: SfccFault(
        415, "UnsupportedContentTypeException", "The content type is not supported."
    ),
    Kind.PAYLOAD_TOO_LARGE: SfccFault(
        413, "RequestEntityTooLargeException", "The body is too large."
    ),
    Kind.RATE_LIMITED: SfccFault(429, "QuotaExceededException", "Too many requests."),
    # Inferred: OCAPI's table names no fault for an outage.
    Kind.UNAVAILABLE: SfccFault(
        503, "ServiceUnavailableException", "The service is temporarily unavailable."
    ),
    Kind.SERVER_ERROR: SfccFault(
        500, "InternalServerErrorException", "An internal error occurred."
    ),
}

UNEXPECTED = re.compile(r"Additional properties are not allowed \('([^']*)'")
NOT_IN_ENUM = re.compile(r"^(.*) is not one of ")
AT_PATH = re.compile(r" - '([^']*)'$")


def _body(problem: Problem, fault: SfccFault, status: int) -> shapes.FaultDocument:
    arguments = dict(fault.arguments)
    return {
        "_v": VERSION,
        "fault": {"type": fault.type, "message": fault.message, "arguments": arguments},
    }


def _refine(problem: Problem, fault: SfccFault, document: str | None = None) -> SfccFault:
    """The fault a handler raised, or the one a bad parameter, a bad body (of the
    operation's `document`, None where it takes none) or a malformed Authorization header
    makes; else the Kind's."""
    error = problem.error
    if isinstance(error, Fault):
        return SfccFault(error.status, error.type_name, error.detail, error.arguments)
    if isinstance(error, InvalidParameter):
        return _bad_parameter(error)
    if problem.kind is Kind.INVALID_INPUT:
        return _bad_body(problem, document)
    if problem.kind is Kind.UNAUTHENTICATED and MALFORMED in problem.detail:
        header = InvalidAuthorizationHeader("The Authorization header must be 'Bearer <jwt>'.")
        return SfccFault(header.status, header.type_name, header.detail)
    return fault


CATALOG = Catalog(BY_KIND, _body, refine=_refine)


def document_catalog(document: str) -> Catalog:
    """The catalog of an operation whose body is `document` (its faults name it)."""
    return replace(CATALOG, refine=functools.partial(_refine, document=document))


AUTH_CATALOG = document_catalog("auth_request")


def render_client_id_call(problem: Problem) -> ConnexionResponse:
    """postCustomersAuth's security is the client id alone: connexion's "no credentials"
    there means that neither the header nor the query parameter was sent (a fault rule's
    401 is a 401)."""
    if problem.kind is Kind.UNAUTHENTICATED and problem.error is None and not problem.injected:
        problem = Problem(Kind.INVALID_INPUT, "", error=_missing_client_id())
    return AUTH_CATALOG(problem)


def _missing_client_id() -> MissingClientId:
    return MissingClientId("The client id was sent neither as query nor as header parameter.")


def _bad_parameter(error: InvalidParameter) -> SfccFault:
    """A path outside the spec's patterns: an unknown version or site (OCAPI's 404s)."""
    value = _quoted_value(error.detail.partition(": ")[2])
    if error.parameter == "version":
        return SfccFault(
            404, "VersionNotFoundException", "The API version is unknown.", {"version": value}
        )
    if error.parameter == "site_id":
        return SfccFault(404, "UnknownSiteException", "The site is unknown.", {"siteId": value})
    return SfccFault(
        400, "PropertyConstraintViolationException", error.detail, {"path": error.parameter}
    )


def _quoted_value(message: str) -> str:
    """The value a jsonschema message starts with ('x' is not one of ...), unquoted."""
    match = re.match(r"^'(.*)' (?:is|does)", message)
    return match[1] if match else ""


def _bad_body(problem: Problem, document: str | None) -> SfccFault:
    """The fault of a body its operation refused; one sent where none is taken is one OCAPI
    cannot decode (a broken form body, which connexion reads on every operation)."""
    detail = problem.detail
    if document is None:
        return SfccFault(
            400, "BodyDecodingException", "The body cannot be decoded.", {"body": detail}
        )
    if (match := UNEXPECTED.search(detail)) is not None:
        arguments = {"property": match[1], "document": document}
        return SfccFault(
            400, "UnknownPropertyException", f"Unknown property '{match[1]}'.", arguments
        )
    if (match := NOT_IN_ENUM.search(detail)) is not None:
        arguments = {"document": document, "enumValue": match[1].strip("'")}
        return SfccFault(400, "EnumConstraintViolationException", "Illegal enum value.", arguments)
    if isinstance(problem.error, InvalidInput):  # the body parser's own refusals
        return SfccFault(
            400, "BodyDecodingException", "The body cannot be decoded.", {"body": detail}
        )
    path = match[1] if (match := AT_PATH.search(detail)) is not None else ""
    arguments = {"document": document, "path": path}
    return SfccFault(
        400, "PropertyConstraintViolationException", detail or "The body is invalid.", arguments
    )
