"""Vestiaire's mount: spec, handlers, errors and fixture section."""

from ..core.web.api import Api
from .errors import render
from .fixtures import load_fixture
from .inventory import inventory

API = Api(
    "vestiaire",
    "vestiaire.yaml",
    "/vestiaire",
    f"{__package__}.handlers",
    render,
    load_fixture,
    error_code=("errors", 0, "code"),
    inventory=inventory,
)
