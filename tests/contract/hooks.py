"""Schemathesis hooks, for the CLI (SCHEMATHESIS_HOOKS) and the in-process tests alike.

A Vestiaire client logs out by presenting, in `__session`, the session it is ending; so
deleteSession's credentials are its own sessionId. Declared as auth, schemathesis knows
them for what they are and probes the operation without them and with bad ones.

Optimizely's server binds bodies as ASP.NET does (keys in any case): half of the positive
cases of its operations that bind so go out PascalCased.
"""

from __future__ import annotations

import json
import re
import zlib
from typing import Any

import schemathesis
from schemathesis import GenerationMode

SESSION_ID = re.compile(r"[A-Za-z0-9]{1,100}")


@schemathesis.auth(refresh_interval=None).apply_to(operation_id="deleteSession")
class OwnSession:
    def get(self, case: schemathesis.Case, _context: object) -> str:
        session_id = str(case.path_parameters.get("sessionId", ""))
        # Generated ids may not even be valid header text; those present a dead session.
        return session_id if SESSION_ID.fullmatch(session_id) else "not-a-session"

    def set(self, case: schemathesis.Case, data: str, _context: object) -> None:
        case.headers = {**(case.headers or {}), "__session": data}


def _pascal(body: Any) -> Any:
    if isinstance(body, dict):
        return {key[:1].upper() + key[1:]: _pascal(value) for key, value in body.items()}
    if isinstance(body, list):
        return [_pascal(item) for item in body]
    return body


@schemathesis.hook
def before_call(context: object, case: schemathesis.Case, kwargs: dict[str, Any]) -> None:
    """ASP.NET's binding, exercised: on an operation whose request body the spec marks
    `x-aspnet-binding` (Optimizely's), every other positive case goes out with its keys
    PascalCased at every depth, as the vendor's C# SDK spells them; the checks then hold
    the server to the same answers."""
    request_body = case.operation.definition.raw.get("requestBody") or {}
    positive = case.meta is not None and case.meta.generation.mode is GenerationMode.POSITIVE
    if not (request_body.get("x-aspnet-binding") and positive and isinstance(case.body, dict)):
        return
    if zlib.crc32(json.dumps(case.body, sort_keys=True, default=str).encode()) % 2:
        case.body = _pascal(case.body)
