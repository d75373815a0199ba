"""Optimizely declared: spec, handlers, `{"message"}` errors with OAuth's on the token call,
the admin view of a user, the PunchOut start, the key rotation, the demo accounts and the
contract run's two-step sign-in."""

from importlib.resources import files

from ..core.web.api import Api
from ..core.web.conventions import Conventions
from ..generated.optimizely import OptimizelyFixture
from .binding import bind
from .browsers import CORS
from .contract import CONTRACT
from .edge import QueryNames
from .errors import CATALOG, OAUTH_CATALOG
from .fixtures import load_fixture
from .identity import rotate_keys
from .inventory import inventory
from .recorded import RECORDED
from .security import bearer
from .signin import start_punch_out
from .views import user_view

VENDOR = Api(
    "optimizely",
    "optimizely.yaml",
    "/optimizely",
    f"{__package__}.handlers",
    CATALOG,
    load_fixture,
    security={"bearer": bearer},
    # ASP.NET Web API's query strings: keys in any case, with or without the binder's prefix.
    edge=QueryNames,
    renderers={"createToken": OAUTH_CATALOG},
    views={"user": user_view},
    actions={"punchout": start_punch_out, "rotate-keys": rotate_keys},
    # OAuth's code on the token endpoint; the Storefront API's {"message"} has none.
    error_code=("error",),
    inventory=inventory,
    fixture=OptimizelyFixture,
    demo=files(__package__) / "demo.yaml",
    contract=CONTRACT,
    # ASP.NET Web API's binding: keys match properties whatever their case.
    parse=bind,
    conventions=Conventions(cors=CORS),
    recorded=RECORDED,
)
