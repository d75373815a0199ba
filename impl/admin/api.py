"""The admin API's mount."""

from importlib.resources import files

from ..core.web.api import Api
from ..core.web.contract import Contract
from .errors import CATALOG
from .security import check_admin_token

# Not journaled: reading or clearing the journal (which would change what it reads), the
# reset that wipes it, health probes, and the reads the inspector page repeats on every
# change (they would push the calls a tester wants to see out of the ring, and each would
# be a change of its own).
UNJOURNALED = frozenset(
    {
        "listJournal",
        "countJournal",
        "clearJournal",
        "resetState",
        "getHealth",
        "getInspector",
        "getInspectorAsset",
        "getVendorState",
        "getOutbox",
        "getVendorOutbox",
        "getStateSession",
        "getChanges",
        "getClock",
        "listFaults",
    }
)

API = Api(
    "admin",
    "admin.yaml",
    "/_admin",
    f"{__package__}.handlers",
    CATALOG,
    security={"adminToken": check_admin_token},
    unjournaled=UNJOURNALED,
    contract=Contract(schemathesis=files(__package__) / "schemathesis.toml"),
)
