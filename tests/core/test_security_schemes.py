"""Security functions come from the declaration (core/web/security_schemes.py): the spec files name
none, the mounted spec names the declared ones, and a mismatch stops the start naming it."""

from __future__ import annotations

import dataclasses

import pytest
import yaml
from sessim import app as app_module
from sessim.app import create_app, load_spec
from sessim.core.web.api import Api
from sessim.core.web.security_schemes import (
    SecurityDeclarationError,
    dotted_name,
    with_handlers,
)
from sessim.registry import ADMIN, VENDORS

from tests.conftest import ROOT, make_settings

APIS = [ADMIN, *VENDORS.values()]
KEYS = ("x-apikeyInfoFunc", "x-bearerInfoFunc", "x-basicInfoFunc", "x-tokenInfoFunc")


def schemes(spec: dict) -> dict[str, dict]:
    return spec["components"]["securitySchemes"]


@pytest.mark.registry
@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_the_spec_file_names_no_python(api: Api) -> None:
    text = api.spec_file().read_text()
    assert "InfoFunc" not in text
    assert api.security, f"{api.name} declares no security functions"


@pytest.mark.registry
@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_the_mounted_spec_names_the_declared_function_of_each_scheme(api: Api) -> None:
    mounted = schemes(load_spec(api, make_settings()))
    for name, function in api.security.items():
        named = {key: value for key, value in mounted[name].items() if key in KEYS}
        assert list(named.values()) == [dotted_name(function)]
    undeclared = [name for name in mounted if name not in api.security]
    assert all(not set(KEYS) & set(mounted[name]) for name in undeclared)


def test_a_scheme_gets_the_key_connexion_reads_for_its_type() -> None:
    spec = {
        "components": {
            "securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
                "bearer": {"type": "http", "scheme": "bearer"},
                "basic": {"type": "http", "scheme": "Basic"},
                "oauth": {"type": "oauth2", "flows": {}},
            }
        }
    }
    handlers = {"key": "m.key", "bearer": "m.bearer", "basic": "m.basic", "oauth": "m.oauth"}
    mounted = schemes(with_handlers(spec, "x", handlers))
    assert mounted["key"]["x-apikeyInfoFunc"] == "m.key"
    assert mounted["bearer"]["x-bearerInfoFunc"] == "m.bearer"
    assert mounted["basic"]["x-basicInfoFunc"] == "m.basic"
    assert mounted["oauth"]["x-tokenInfoFunc"] == "m.oauth"


def test_a_function_is_mounted_by_its_dotted_name() -> None:
    assert dotted_name(with_handlers) == "sessim.core.web.security_schemes.with_handlers"
    assert dotted_name("a.b.c") == "a.b.c"


@pytest.mark.registry
def test_a_start_with_a_used_scheme_left_undeclared_fails_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vestiaire = VENDORS["vestiaire"]
    monkeypatch.setitem(
        app_module.VENDORS, "vestiaire", dataclasses.replace(vestiaire, security={})
    )
    with pytest.raises(SecurityDeclarationError) as raised:
        create_app(make_settings(apis=("vestiaire",)))
    assert str(raised.value) == (
        "vestiaire: the spec's security scheme 'ApiKeyAuth' (used by deleteSession) has no "
        "handler in the declaration's `security`"
    )


def test_a_scheme_no_operation_uses_needs_no_function() -> None:
    """As SFCC's Basic and dwsid schemes: described, read by the login whatever its security."""
    used = {"type": "apiKey", "in": "header", "name": "X-Key"}
    described = {"type": "http", "scheme": "basic"}
    spec = {
        "paths": {"/a": {"get": {"operationId": "getA", "security": [{"used": []}]}}},
        "components": {"securitySchemes": {"used": used, "described": described}},
    }
    mounted = schemes(with_handlers(spec, "x", {"used": "m.f"}))
    assert mounted["used"]["x-apikeyInfoFunc"] == "m.f"
    assert mounted["described"] == {"type": "http", "scheme": "basic"}


def test_a_function_for_a_scheme_the_spec_lacks_fails_naming_it() -> None:
    api = dataclasses.replace(VENDORS["vestiaire"], security={"ApiKeyAuth": "m.f", "Other": "m.g"})
    with pytest.raises(SecurityDeclarationError) as raised:
        load_spec(api, make_settings())
    assert str(raised.value) == (
        "vestiaire: the declaration names security handlers for Other, which the spec's "
        "securitySchemes do not define"
    )


def test_a_spec_that_names_a_function_itself_fails() -> None:
    spec = yaml.safe_load((ROOT / "openapi" / "vestiaire.yaml").read_text())
    schemes(spec)["ApiKeyAuth"]["x-apikeyInfoFunc"] = "sessim.vestiaire.security.f"
    with pytest.raises(SecurityDeclarationError) as raised:
        with_handlers(spec, "vestiaire", {"ApiKeyAuth": "m.f"})
    assert str(raised.value) == (
        "vestiaire: the spec's security scheme 'ApiKeyAuth' names x-apikeyInfoFunc: its handler "
        "belongs in the declaration's `security`"
    )
