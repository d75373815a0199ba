"""Okta's mount: spec, handlers, errors, fixture section and the rate-limit edge."""

from impl.core.api import Api
from impl.core.slashes import TrailingSlash
from impl.okta.edge import OktaEdge
from impl.okta.errors import render
from impl.okta.fixtures import load_fixture

API = Api(
    "okta",
    "okta.yaml",
    "/okta",
    "impl.okta.handlers",
    render,
    load_fixture,
    OktaEdge,
    # Recorded: GET /api/v1/sessions/ is a 405 E0000022, answered before Okta's API layer
    # (no request id, rate limit headers or cookies).
    trailing_slash=TrailingSlash.METHOD_NOT_ALLOWED,
)
