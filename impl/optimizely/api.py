"""Optimizely's mount: spec, handlers, `{"message"}` errors with OAuth's on the token call,
the admin view of a user and the PunchOut start."""

from impl.core.api import Api
from impl.optimizely.errors import render, render_oauth
from impl.optimizely.fixtures import load_fixture
from impl.optimizely.identity import rotate_keys
from impl.optimizely.signin import start_punch_out
from impl.optimizely.views import user_view

API = Api(
    "optimizely",
    "optimizely.yaml",
    "/optimizely",
    "impl.optimizely.handlers",
    render,
    load_fixture,
    renderers={"createToken": render_oauth},
    views={"user": user_view},
    actions={"punchout": start_punch_out, "rotate-keys": rotate_keys},
)
