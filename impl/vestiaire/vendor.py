"""Vestiaire declared: spec, handlers, errors, fixture section and the demo account (its
contract run needs no credentials of its own: its login is a spec example; its settings say
which refusals of valid data are the vendor's)."""

from importlib.resources import files

from ..core.web.api import Api
from ..core.web.contract import Contract
from ..generated.vestiaire import VestiaireFixture
from .errors import CATALOG
from .fixtures import load_fixture
from .inventory import inventory

VENDOR = Api(
    "vestiaire",
    "vestiaire.yaml",
    "/vestiaire",
    f"{__package__}.handlers",
    CATALOG,
    load_fixture,
    error_code=("errors", 0, "code"),
    inventory=inventory,
    fixture=VestiaireFixture,
    demo=files(__package__) / "demo.yaml",
    contract=Contract(schemathesis=files(__package__) / "schemathesis.toml"),
)
