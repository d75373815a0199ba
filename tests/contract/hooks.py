"""Schemathesis hooks, for the CLI run (SCHEMATHESIS_HOOKS) and the in-process stateful tests
alike.

The credentials that a call carries of its own, which each declaration's contract names by
operationId (`Contract.own_credentials`), declared as auth of that operation of that API: so
schemathesis knows them for what they are and probes the operation without them and with
bad ones.

A body whose schema is marked x-case-insensitive-properties (Optimizely's, bound as ASP.NET
binds them: keys in any case) goes out PascalCased in half of the positive cases.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

import schemathesis
from schemathesis import GenerationMode
from sessim.core.web.api import Api
from sessim.core.web.contract import CallHeaders, Headers
from sessim.core.web.validation import CASE_INSENSITIVE
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


def _pascal(body: Any) -> Any:
    if isinstance(body, dict):
        return {key[:1].upper() + key[1:]: _pascal(value) for key, value in body.items()}
    if isinstance(body, list):
        return [_pascal(item) for item in body]
    return body


def _binds_in_any_case(case: schemathesis.Case) -> bool:
    """Whether the schema of the case's body (a $ref into the spec's components, or inline)
    is marked x-case-insensitive-properties."""
    content = (case.operation.definition.raw.get("requestBody") or {}).get("content", {})
    schema = content.get(case.media_type or "", {}).get("schema", {})
    ref = schema.get("$ref", "")
    if ref.startswith("#/"):
        schema = case.operation.schema.raw_schema
        for part in ref[2:].split("/"):
            schema = schema.get(part, {})
    return bool(schema.get(CASE_INSENSITIVE))


@schemathesis.hook
def before_call(context: object, case: schemathesis.Case, kwargs: dict[str, Any]) -> None:
    """ASP.NET's binding, exercised: on an operation whose body binds its keys in any case
    (Optimizely's), every other positive case goes out with its keys PascalCased at every
    depth, as the vendor's C# SDK spells them; the checks then hold the server to the same
    answers. The spelling goes in the transport's `json`, not in the case: schemathesis
    revalidates a body a hook rewrites, case-sensitively, and would count one whose required
    keys are PascalCased as negative."""
    positive = case.meta is not None and case.meta.generation.mode is GenerationMode.POSITIVE
    if not (positive and isinstance(case.body, dict) and _binds_in_any_case(case)):
        return
    if zlib.crc32(json.dumps(case.body, sort_keys=True, default=str).encode()) % 2:
        kwargs["json"] = _pascal(case.body)
