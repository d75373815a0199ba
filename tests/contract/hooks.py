"""Schemathesis hooks, for the CLI run (SCHEMATHESIS_HOOKS) and the in-process stateful tests
alike.

A Vestiaire client logs out by presenting, in `__session`, the session it is ending; so
deleteSession's credentials are its own sessionId. Declared as auth, schemathesis knows
them for what they are and probes the operation without them and with bad ones.
"""

from __future__ import annotations

import re

import schemathesis

SESSION_ID = re.compile(r"[A-Za-z0-9]{1,100}")


@schemathesis.auth(refresh_interval=None).apply_to(operation_id="deleteSession")
class OwnSession:
    def get(self, case: schemathesis.Case, _context: object) -> str:
        session_id = str(case.path_parameters.get("sessionId", ""))
        # Generated ids may not even be valid header text; those present a dead session.
        return session_id if SESSION_ID.fullmatch(session_id) else "not-a-session"

    def set(self, case: schemathesis.Case, data: str, _context: object) -> None:
        case.headers = {**(case.headers or {}), "__session": data}
