"""The admin API's mount."""

from ..core.api import Api
from .errors import render

# Not journaled: reading or clearing the journal (which would change what it reads), the
# reset that wipes it, and health probes.
UNJOURNALED = frozenset({"listJournal", "countJournal", "clearJournal", "resetState", "getHealth"})

API = Api(
    "admin",
    "admin.yaml",
    "/_admin",
    f"{__package__}.handlers",
    render,
    unjournaled=UNJOURNALED,
)
