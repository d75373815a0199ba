"""Every state-changing operation of the admin spec, as a call that would change the state
were it let through: for the tests of the guard (tests/admin/test_guard.py, in process, and
tests/test_guard_browser.py, from a page on another origin)."""

from __future__ import annotations

import re
from typing import NamedTuple

from sessim.registry import ADMIN

STATE_CHANGING = ("post", "put", "patch", "delete")
# Path parameters that name something the calls below would change.
PARAMETERS = {"vendor": "optimizely", "action": "rotate-keys"}
# Bodies that would change the state (an operation without one here sends {}).
BODIES = {
    "loadFixture": {"vestiaire": {"users": [{"email": "eve@example.com", "password": "x" * 8}]}},
    "setClock": {"now": "2040-01-01T00:00:00Z", "frozen": True},
    "advanceClock": {"seconds": 86_400},
    "addFault": {"action": "status", "status": 500},
}


class Call(NamedTuple):
    operation_id: str
    method: str
    path: str  # under the admin API's base path, its parameters filled
    body: dict


def state_changing(rule_id: str) -> list[Call]:
    """The calls, `rule_id` naming the fault rule a call removes."""
    parameters = {**PARAMETERS, "ruleId": rule_id}
    calls = []
    for template, item in ADMIN.load_spec()["paths"].items():
        path = re.sub(r"\{(\w+)\}", lambda name: parameters.get(name[1], "unknown"), template)
        for method in STATE_CHANGING:
            if method in item:
                operation_id = item[method]["operationId"]
                body = BODIES.get(operation_id, {})
                calls.append(Call(operation_id, method.upper(), ADMIN.base_path + path, body))
    return calls
