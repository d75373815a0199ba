"""Okta declared: spec, handlers, errors, fixture section, the rate-limit edge, the demo
accounts, the contract run's API token and its answers to browsers on trusted origins."""

from importlib.resources import files

from ..core.web.api import Api
from ..core.web.conventions import Conventions
from ..core.web.slashes import TrailingSlash
from ..generated.okta import OktaFixture
from .authorization_servers import application_view, server_view
from .browsers import CORS
from .contract import CONTRACT
from .edge import OktaEdge
from .errors import CATALOG, OAUTH_CATALOG
from .fixtures import load_fixture
from .inventory import inventory
from .issued import session_tokens_view, user_tokens_view
from .recorded import RECORDED
from .security import access_token, api_token
from .signing import rotate_keys

# The authorization servers' OAuth endpoints, which answer errors in OAuth's format.
OAUTH_OPERATIONS = (
    "token", "tokenCustomAS", "userinfo", "userinfoCustomAS",
    "introspect", "introspectCustomAS", "revoke", "revokeCustomAS",
)  # fmt: skip

VENDOR = Api(
    "okta",
    "okta.yaml",
    "/okta",
    f"{__package__}.handlers",
    CATALOG,
    load_fixture,
    OktaEdge,
    security={"apiToken": api_token, "oauth2": access_token},
    # Recorded: GET /api/v1/sessions/ is a 405 E0000022, answered before Okta's API layer
    # (no request id, rate limit headers or cookies).
    trailing_slash=TrailingSlash.METHOD_NOT_ALLOWED,
    error_code=("errorCode",),
    inventory=inventory,
    fixture=OktaFixture,
    demo=files(__package__) / "demo.yaml",
    contract=CONTRACT,
    conventions=Conventions(cors=CORS),
    views={
        "authorizationServer": server_view,
        "application": application_view,
        "sessionTokens": session_tokens_view,
        "userTokens": user_tokens_view,
    },
    actions={"rotate-keys": rotate_keys},
    renderers=dict.fromkeys(OAUTH_OPERATIONS, OAUTH_CATALOG),
    recorded=RECORDED,
)
