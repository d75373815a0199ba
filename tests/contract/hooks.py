"""Schemathesis hooks, for the CLI run (SCHEMATHESIS_HOOKS) and the in-process stateful tests
alike.

The credentials that a call carries of its own, which each declaration's contract names by
operationId (`Contract.own_credentials`), declared as auth of that operation of that API: so
schemathesis knows them for what they are and probes the operation without them and with
bad ones.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from sessim.core.web.api import Api
from sessim.core.web.contract import CallHeaders, Headers
from sessim.registry import VENDORS


def own_credentials(api: Api, operation_id: str, headers_of: CallHeaders) -> None:
    base_path = api.base_path.rstrip("/") + "/"

    def applies(context: Any) -> bool:
        operation = context.operation
        return (
            operation.schema.base_path == base_path
            and operation.definition.raw.get("operationId") == operation_id
        )

    @schemathesis.auth(refresh_interval=None).apply_to(applies)
    class OwnCredentials:
        def get(self, case: schemathesis.Case, _context: object) -> Headers:
            return headers_of(case.path_parameters or {})

        def set(self, case: schemathesis.Case, data: Headers, _context: object) -> None:
            case.headers = {**(case.headers or {}), **data}


for _api in VENDORS.values():
    for _operation_id, _headers_of in _api.contract.own_credentials.items():
        own_credentials(_api, _operation_id, _headers_of)
