"""Optimizely's mount: spec, handlers, `{"message"}` errors with OAuth's on the token call,
the admin view of a user and the PunchOut start."""

from ..core.web.api import Api
from .binding import bind
from .errors import render, render_oauth
from .fixtures import load_fixture
from .identity import rotate_keys
from .inventory import inventory
from .signin import start_punch_out
from .views import user_view

API = Api(
    "optimizely",
    "optimizely.yaml",
    "/optimizely",
    f"{__package__}.handlers",
    render,
    load_fixture,
    renderers={"createToken": render_oauth},
    views={"user": user_view},
    actions={"punchout": start_punch_out, "rotate-keys": rotate_keys},
    # OAuth's code on the token endpoint; the Storefront API's {"message"} has none.
    error_code=("error",),
    inventory=inventory,
    parse=bind,
)
