"""The one registry of APIs: what the CLI, the fixture schema and the error layer derive
from it agree, and every renderer answers every Kind."""

from __future__ import annotations

import json

import pytest
from sessim import registry
from sessim.app import create_app, load_spec
from sessim.core.kit.errors import AuthenticationFailed, NotFound, SessimError
from sessim.core.web.api import Api
from sessim.core.web.problems import Kind, Problem, kind_of_status, to_problem
from sessim.registry import ADMIN, GROUP, VENDORS
from sessim.settings import VENDOR_APIS, Settings
from starlette.testclient import TestClient

from tests.conftest import make_settings

RENDERERS = [
    (api.name, index, render)
    for api in (ADMIN, *VENDORS.values())
    for index, render in enumerate(api.all_renderers())
]


@pytest.mark.registry
def test_settings_and_the_fixture_schema_list_the_registrys_vendors() -> None:
    assert tuple(VENDORS) == VENDOR_APIS
    assert Settings().apis == tuple(VENDORS)
    admin = load_spec(ADMIN, make_settings())  # as served: assembled from the registry
    assert list(admin["components"]["schemas"]["Fixture"]["properties"]) == list(VENDORS)
    assert all(api.loader is not None for api in VENDORS.values())
    fault_vendor = admin["components"]["schemas"]["NewFaultRule"]["properties"]["vendor"]
    assert fault_vendor["enum"] == list(VENDORS)


def renderer_id(value: object) -> str:
    """A renderer (a function, a catalog) by its name or kind: its repr holds addresses,
    which differ between xdist workers; the API's name and the index say which it is."""
    if isinstance(value, str | int):
        return str(value)
    return getattr(value, "__name__", type(value).__name__)


@pytest.mark.registry
@pytest.mark.parametrize(
    ("api", "index", "render"),
    [renderer for renderer in RENDERERS if renderer[0] != ADMIN.name],  # never faulted
    ids=renderer_id,
)
@pytest.mark.parametrize("status", [400, 401, 418, 429, 500, 502, 503, 599])
def test_every_vendor_renderer_answers_an_injected_status_as_is(
    api: str, index: int, render, status: int
) -> None:
    response = render(Problem(kind_of_status(status), "", status, until=0.0, injected=True))
    assert response.status_code == status
    assert json.loads(response.body)


@pytest.mark.registry
@pytest.mark.parametrize(("api", "index", "render"), RENDERERS, ids=renderer_id)
@pytest.mark.parametrize("kind", list(Kind), ids=str)
def test_every_renderer_answers_every_kind(api: str, index: int, render, kind: Kind) -> None:
    response = render(Problem(kind, "what went wrong", until=0.0))
    assert 400 <= response.status_code < 600
    assert json.loads(response.body)


class VendorOwnFailure(AuthenticationFailed):
    """A vendor's subclass of a core error, as SFCC's ExpiredTokenException would be."""


def test_a_vendor_subclass_maps_to_its_core_kind() -> None:
    assert to_problem(VendorOwnFailure("expired")).kind is Kind.AUTHENTICATION_FAILED
    assert to_problem(NotFound("x")).kind is Kind.NOT_FOUND


def test_a_bare_core_error_is_a_server_error_not_a_crash() -> None:
    assert to_problem(SessimError("a bug")).kind is Kind.SERVER_ERROR


@pytest.mark.registry
def test_errors_render_in_the_format_of_the_operation_that_failed(monkeypatch) -> None:
    """One mount, two formats: an operation listed in `renderers` answers in its own."""

    def oauth(problem: Problem):
        from sessim.core.web.bodies import json_response

        return json_response({"error": "invalid_grant", "error_description": problem.detail}, 400)

    okta = VENDORS["okta"]
    special = Api(**{**okta.__dict__, "renderers": {"primaryAuthentication": oauth}})
    monkeypatch.setitem(VENDORS, "okta", special)
    with TestClient(create_app(make_settings())) as client:
        authn = client.post("/okta/api/v1/authn", json={"username": 1})
        sessions = client.post("/okta/api/v1/sessions", json={}, headers={"Authorization": "x"})
        unrouted = client.get("/okta/api/v1/nowhere")
    assert authn.status_code == 400
    assert authn.json()["error"] == "invalid_grant"
    assert sessions.json()["errorCode"] == "E0000011"
    assert unrouted.json()["errorCode"] == "E0000007"


class FakeEntryPoint:
    def __init__(self, name: str, api: object) -> None:
        self.name, self.value, self.api = name, f"tests:{name}", api

    def load(self) -> object:
        return self.api


def test_the_registry_finds_vendors_by_entry_point_sorted_by_name(monkeypatch) -> None:
    found = [
        FakeEntryPoint("vestiaire", VENDORS["vestiaire"]),
        FakeEntryPoint("okta", VENDORS["okta"]),
    ]
    monkeypatch.setattr(registry, "entry_points", lambda group: found if group == GROUP else [])
    assert list(registry.discover()) == ["okta", "vestiaire"]


def test_an_entry_point_must_name_its_declaration(monkeypatch) -> None:
    wrong = [FakeEntryPoint("acme", VENDORS["okta"])]
    monkeypatch.setattr(registry, "entry_points", lambda group: wrong)
    with pytest.raises(TypeError, match="is not the Api acme"):
        registry.discover()


def test_no_declared_vendor_is_an_error_not_an_empty_server(monkeypatch) -> None:
    monkeypatch.setattr(registry, "entry_points", lambda group: [])
    with pytest.raises(RuntimeError, match=r"sessim\.vendors"):
        registry.discover()
