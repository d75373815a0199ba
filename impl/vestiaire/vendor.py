"""Vestiaire declared: spec, handlers, security, errors, fixture section, the demo account
and the contract run's logout credentials and settings (which refusals of valid data are the
vendor's)."""

from importlib.resources import files

from ..core.kit.vendor_state import AccountsInventory
from ..core.web.api import Api
from ..core.web.conventions import Conventions
from ..generated.vestiaire import VestiaireFixture
from .browsers import CORS
from .contract import CONTRACT
from .errors import CATALOG
from .fixtures import load_fixture
from .recorded import RECORDED
from .security import session_from_header
from .state import vestiaire

VENDOR = Api(
    "vestiaire",
    "vestiaire.yaml",
    "/vestiaire",
    f"{__package__}.handlers",
    CATALOG,
    load_fixture,
    security={"ApiKeyAuth": session_from_header},
    error_code=("errors", 0, "code"),
    # It issues no token but its sessions, which travel in the __session header.
    inventory=AccountsInventory(vestiaire, session_header="__session"),
    fixture=VestiaireFixture,
    demo=files(__package__) / "demo.yaml",
    contract=CONTRACT,
    conventions=Conventions(cors=CORS),
    recorded=RECORDED,
)
