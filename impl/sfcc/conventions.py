"""OCAPI's conventions on every resource (the OCAPI pages on HTTP methods, global exceptions
and HTTP headers): a POST may carry PUT, PATCH, DELETE, HEAD or OPTIONS in
`x-dw-http-method-override` or the `method` query parameter (upper case; another value is
400 IllegalHttpMethodOverrideException); OPTIONS lists the methods in Allow (204); a body
in another media type is 415 UnsupportedContentTypeException; JSON answers are
`application/json;charset=UTF-8`; pages on other origins are answered as browsers.py says.
OCAPI also takes XML bodies, which Sessim does not."""

from ..core.web.conventions import Conventions, MediaTypes, MethodOverride
from .browsers import CORS
from .errors import illegal_override, unsupported_content_type

OVERRIDE_HEADER = "x-dw-http-method-override"

CONVENTIONS = Conventions(
    override=MethodOverride(
        OVERRIDE_HEADER,
        frozenset({"PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}),
        illegal_override,
        query="method",
    ),
    options=True,
    media_types=MediaTypes(frozenset({"application/json"}), unsupported_content_type),
    json_content_type="application/json;charset=UTF-8",
    cors=CORS,
)
