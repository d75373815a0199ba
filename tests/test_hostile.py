"""Hostile input on every operation of every mounted spec: always a 4xx in the owning API's
format (a status its spec documents, a body of the documented schema), never a 5xx, and the
server serves on. The APIs come from the app's registry, so a new vendor is covered as is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from importlib import import_module
from typing import Any

import jsonschema
import pytest
import yaml
from connexion import AsyncApp
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from sessim.app import create_app, load_spec
from sessim.core.kit.errors import InvalidInput
from sessim.core.web.api import Api
from sessim.core.web.bodies import json_response
from sessim.core.web.validation import VALIDATOR_MAP
from sessim.registry import ADMIN, VENDORS
from sessim.settings import Settings
from starlette.testclient import TestClient

from tests.conftest import AppFor, make_settings
from tests.contract.fixture import contract_fixture

FIXTURE = contract_fixture()  # the demo accounts, with Okta's rate limits out of the way
LIMIT = Settings().max_body_bytes
METHODS = ("get", "put", "post", "delete", "patch")
# Cases that may succeed: NUL is valid text; the server decodes bad bytes in paths, queries
# and forms as U+FFFD and headers as latin-1, so a handler only ever sees valid text.
TOLERATED = ("nul", "path", "query", "headers", "cookies")
BAD_BYTES = ["%ED%A0%80", "%00", "%FF%FE", "%C0%80"]  # a surrogate, NUL, invalid UTF-8 twice


def problem_format(response: Any) -> None:
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == response.status_code


def vendor_format(name: str) -> Callable[[Any], None]:
    """What the suite knows of a vendor's format beyond its spec: tests/<vendor>/error_format.py,
    which every vendor of the registry has (a new one is not left unchecked)."""
    return import_module(f"tests.{name}.error_format").check


FORMATS: dict[str, Callable[[Any], None]] = {
    ADMIN.base_path: problem_format,
    **{api.base_path: vendor_format(name) for name, api in VENDORS.items()},
}


class Operation:
    def __init__(self, api: Api, spec: dict, method: str, template: str) -> None:
        self.api, self.spec, self.method, self.template = api, spec, method, template
        item = spec["paths"][template]
        self.definition = item[method]
        self.parameters = [
            self.resolve(p)
            for p in item.get("parameters", []) + self.definition.get("parameters", [])
        ]

    def __str__(self) -> str:
        return f"{self.api.base_path}:{self.method.upper()} {self.template}"

    def resolve(self, node: Any) -> Any:
        """`node` with every local $ref replaced by what it points at."""
        if isinstance(node, list):
            return [self.resolve(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            target = self.spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return self.resolve(target)
        return {key: self.resolve(value) for key, value in node.items()}

    def url(self, value: str | None = None) -> str:
        """The path with `value` for every path parameter; by default, a value the spec
        offers (an enum's first, an example) so that the request gets past routing, else
        an id of no resource."""
        return self.api.base_path + re.sub(
            r"\{([^}]+)\}", lambda name: value or self.plausible(name[1]), self.template
        )

    def plausible(self, name: str) -> str:
        param = next(p for p in self.parameters if p["in"] == "path" and p["name"] == name)
        schema, examples = param.get("schema", {}), list(param.get("examples", {}).values())
        if "enum" in schema:
            return str(schema["enum"][0])
        if examples:
            return str(examples[0]["value"])
        return str(param.get("example", "hostile-id-1"))

    @property
    def body_schema(self) -> dict | None:
        body = self.resolve(self.definition.get("requestBody", {}))
        return body.get("content", {}).get("application/json", {}).get("schema")

    def example(self) -> dict:
        """A plausible body: the schema's example, else a value for each string property."""
        schema = self.body_schema or {}
        strings = {
            name: "x"
            for name, p in schema.get("properties", {}).items()
            if p.get("type") == "string"
        }
        return dict(schema.get("example") or strings)

    def string_fields(self) -> list[str]:
        properties = (self.body_schema or {}).get("properties", {})
        return [name for name, p in properties.items() if p.get("type") == "string"] or ["text"]


def operations() -> Iterator[Operation]:
    settings = make_settings()
    for api in [ADMIN, *VENDORS.values()]:
        spec = load_spec(api, settings)
        for template, item in spec["paths"].items():
            for method in METHODS:
                if method in item:
                    yield Operation(api, spec, method, template)


def json_case(text: bytes | str) -> dict:
    body = text.encode() if isinstance(text, str) else text
    return {"content": body, "headers": {"Content-Type": "application/json"}}


def with_field(operation: Operation, field: str, value: str) -> dict:
    return json_case(json.dumps({**operation.example(), field: value}))  # "\ud800" as an escape


def chunks(total: int) -> Iterator[bytes]:
    """A body of `total` bytes sent without Content-Length (chunked)."""
    yield b"["
    for start in range(1, total - 1, 4096):
        yield b" " * min(4096, total - 1 - start)
    yield b"]"


def body_cases(operation: Operation) -> dict[str, dict]:
    cases = {
        "array-1000-deep": json_case("[" * 1000 + "]" * 1000),
        "object-1000-deep": json_case('{"a":' * 1000 + "1" + "}" * 1000),
        "array-100000-deep": json_case("[" * 100_000 + "]" * 100_000),
        "object-100000-deep": json_case('{"a":' * 100_000 + "1" + "}" * 100_000),
        "integer-100000-digits": json_case('{"n": ' + "9" * 100_000 + "}"),
        "1e999999": json_case('{"n": 1e999999}'),
        "NaN": json_case('{"n": NaN}'),
        "invalid-utf8": json_case(b'{"text": "\xff\xfe\xed\xa0\x80"}'),
    }
    for field in operation.string_fields():
        cases[f"surrogate-in-{field}"] = with_field(operation, field, "\ud800")
        cases[f"nul-in-{field}"] = with_field(operation, field, "a\x00b")
    return cases


def size_cases() -> dict[str, dict]:
    over = b"[" + b" " * (LIMIT - 1) + b"]"
    return {
        "over-limit-content-length": json_case(over),
        "over-limit-chunked": {
            "content": chunks(LIMIT + 1),
            "headers": {"Content-Type": "application/json"},
        },
    }


def parameter_cases(operation: Operation) -> dict[str, dict]:
    cases: dict[str, dict] = {}
    for bad in BAD_BYTES:
        if "{" in operation.template:
            cases[f"path-{bad}"] = {"url": operation.url(bad)}
        names = [p["name"] for p in operation.parameters if p["in"] == "query"] + ["q"]
        cases[f"query-{bad}"] = {"params": "&".join(f"{name}={bad}" for name in names)}
    raw = b"\xed\xa0\x80\x00\xff"  # header values are bytes on the wire: anything goes
    headers = {p["name"]: raw for p in operation.parameters if p["in"] == "header"}
    cases["headers-bad-bytes"] = {"headers": {**headers, "X-Hostile": raw}}
    cases["cookies-bad-bytes"] = {
        "headers": {"Cookie": b"sid=\xed\xa0\x80\x00; __session=%ED%A0%80"}
    }
    return cases


def all_cases() -> Iterator[Any]:
    for operation in operations():
        cases = size_cases() | parameter_cases(operation)
        if operation.body_schema is not None:
            cases |= body_cases(operation)
        for name, request in cases.items():
            yield pytest.param(operation, name, request, id=f"{operation}:{name}")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    seed = tmp_path_factory.mktemp("hostile") / "fixture.yaml"
    seed.write_text(yaml.safe_dump(FIXTURE))
    app = create_app(make_settings(seed=str(seed)))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        CREDENTIALS.update(credentials(app))
        yield test_client


# Credentials let hostile bodies get past security to the body: those of each vendor's
# first contract run (its declaration's), by base path.
CREDENTIALS: dict[str, dict[str, str]] = {}


def credentials(app: Any) -> dict[str, dict[str, str]]:
    found = {}
    for name, api in VENDORS.items():
        base_url = f"http://testserver{api.base_path}"
        client = TestClient(app, base_url=base_url)  # the app is running: no lifespan again
        found[api.base_path] = api.contract.runs[0].headers(FIXTURE[name], client)
        client.close()
    return found


@pytest.mark.registry
@pytest.mark.parametrize(("operation", "case", "request_args"), list(all_cases()))
def test_hostile_input_is_refused_in_the_apis_format(
    client: TestClient, operation: Operation, case: str, request_args: dict
) -> None:
    args = dict(request_args)
    headers = {**CREDENTIALS.get(operation.api.base_path, {}), **args.pop("headers", {})}
    url = args.pop("url", operation.url())
    if "params" in args:
        url += "?" + args.pop("params")
    response = client.request(operation.method.upper(), url, headers=headers, **args)
    assert response.status_code < 500, response.text
    if case.startswith("over-limit"):
        assert response.status_code == 413, response.text
    elif not case.startswith(TOLERATED):
        assert 400 <= response.status_code < 500, response.text
    if response.status_code >= 400:
        assert_documented(operation, response)
    assert client.get("/_admin/health").status_code == 200  # and it serves on


def assert_documented(operation: Operation, response: Any) -> None:
    """A status the operation's spec lists (a 404 off its routes: any error), in its format."""
    responses = operation.definition["responses"]
    documented = responses.get(str(response.status_code)) or responses.get("default")
    if documented is None:
        assert response.status_code == 404, f"{response.status_code} is not in the spec"
    else:
        content = operation.resolve(documented).get("content", {})
        media = response.headers.get("content-type", "").split(";")[0]
        if media == "text/html":  # a page for a browser (Okta's error page): no error body
            assert media in content, f"{response.status_code} {media} is not in the spec"
            return
        schema = content.get(media, next(iter(content.values())))["schema"]
        jsonschema.validate(response.json(), schema)
    FORMATS[operation.api.base_path](response)


# A small configured limit: 413 just over it, accepted just under it, chunked or not.
SMALL = 1024


def login_of(size: int) -> bytes:
    """A Vestiaire login body of exactly `size` bytes (a wrong password, so a 401)."""
    body = json.dumps({"email": "nobody@example.com", "password": ""}).encode()
    return body.replace(b'"password": ""', b'"password": "' + b"p" * (size - len(body)) + b'"')


@pytest.fixture
def small(app_for: AppFor) -> TestClient:
    return app_for(max_body_bytes=SMALL)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize(("size", "status"), [(SMALL, 401), (SMALL + 1, 413)])
def test_the_body_limit_is_configurable(
    small: TestClient, chunked: bool, size: int, status: int
) -> None:
    body = login_of(size)
    assert len(body) == size
    content = iter([body[:100], body[100:]]) if chunked else body
    headers = {"Content-Type": "application/json"}
    response = small.post("/vestiaire/sessions", content=content, headers=headers)
    assert response.status_code == status, response.text
    expected = "payload_too_large" if status == 413 else "invalid_credentials"
    assert response.json()["errors"][0]["code"] == expected


def test_a_content_length_that_is_not_a_number_is_a_400(small: TestClient) -> None:
    headers = {"Content-Type": "application/json", "Content-Length": "12abc"}
    response = small.post("/okta/api/v1/authn", content=b"{}", headers=headers)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "E0000003"


# No spec has a form-encoded operation yet (Optimizely's token endpoint will): a small one.
FORM_SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "form", "version": "1"},
    "paths": {
        "/token": {
            "post": {
                "operationId": "tests.test_hostile.token",
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "username": {"type": "string"},
                                    "count": {"type": "integer"},
                                },
                            }
                        }
                    }
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}


async def token(body: dict) -> dict:
    return {"form": body}  # echoed, to show what a handler received


@pytest.fixture(scope="module")
def form_client() -> Iterator[TestClient]:
    app = AsyncApp(__name__, validator_map=VALIDATOR_MAP)
    app.add_api(FORM_SPEC)

    def invalid(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        return json_response({"detail": str(exc)}, 400)

    app.add_error_handler(InvalidInput, invalid)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize(
    "body",
    ["username=a%00b", "a%00=b", "count=" + "9" * 100_000, "username=%ED%A0%80"],
    ids=["nul-value", "nul-name", "integer-100000-digits", "invalid-utf8"],
)
def test_form_bodies_are_checked_like_json(form_client: TestClient, body: str) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = form_client.post("/token", content=body, headers=headers)
    assert response.status_code < 500, response.text
    if response.status_code == 200:  # starlette decodes invalid UTF-8 as U+FFFD: valid text
        json.dumps(response.json(), ensure_ascii=False).encode()  # no lone surrogate
    assert form_client.post("/token", content="username=ana", headers=headers).status_code == 200
