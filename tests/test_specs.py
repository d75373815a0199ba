"""openapi/ is the truth: every spec is valid OpenAPI 3.0.3 and generated/ matches it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from sessim.app import load_spec
from sessim.registry import ADMIN, VENDORS

from tests.conftest import ROOT, make_settings
from tools import operations

SPECS = sorted((ROOT / "openapi").glob("*.yaml"))
# make generate and make check: datamodel-codegen's models and the Protocols of operations.
TOOL = [sys.executable, "tools/operations.py"]


def duplicate_keys(node: yaml.Node) -> list[str]:
    """Keys written twice in one mapping (YAML loaders keep the last one silently), with
    their lines; merge keys (<<) aside."""
    found = []
    if isinstance(node, yaml.MappingNode):
        keys = [key.value for key, _ in node.value if key.value != "<<"]
        line = node.start_mark.line + 1
        found += [
            f"{key} (mapping at line {line})" for key in sorted(set(keys)) if keys.count(key) > 1
        ]
        node_values = [value for _, value in node.value]
    else:
        node_values = node.value if isinstance(node, yaml.SequenceNode) else []
    return found + [dup for value in node_values for dup in duplicate_keys(value)]


@pytest.mark.registry
@pytest.mark.parametrize("spec", SPECS, ids=lambda path: path.stem)
def test_spec_writes_no_key_twice(spec: Path) -> None:
    assert duplicate_keys(yaml.compose(spec.read_text())) == []


@pytest.mark.registry
@pytest.mark.parametrize("spec", SPECS, ids=lambda path: path.stem)
def test_spec_is_valid_openapi_3_0_3(spec: Path) -> None:
    document = yaml.safe_load(spec.read_text())
    assert document["openapi"] == "3.0.3"
    validate(document)


@pytest.mark.registry
def test_the_admin_spec_as_served_is_valid_and_holds_every_vendors_fixture() -> None:
    """The app fills the admin spec's vendor sections from the registry (impl/admin/spec.py)."""
    document = load_spec(ADMIN, make_settings())
    validate(document)
    schemas = document["components"]["schemas"]
    fixtures = {name: api.fixture for name, api in VENDORS.items() if api.fixture is not None}
    assert schemas["Fixture"]["properties"] == {
        name: {"$ref": f"#/components/schemas/{model.__name__}"} for name, model in fixtures.items()
    }
    assert schemas["NewFaultRule"]["properties"]["vendor"]["enum"] == list(VENDORS)
    assert "x-sessim-vendor-fixtures" not in repr(document)


@pytest.mark.registry
def test_every_vendors_fixture_schema_is_in_its_own_spec() -> None:
    admin = yaml.safe_load((ROOT / "openapi" / "admin.yaml").read_text())
    for api in VENDORS.values():
        assert api.fixture is not None, f"{api.name} declares no fixture schema"
        assert api.fixture.__name__ in api.load_spec()["components"]["schemas"]
        assert api.fixture.__name__ not in admin["components"]["schemas"]


def test_the_validator_rejects_a_broken_spec() -> None:
    document = yaml.safe_load((ROOT / "openapi" / "vestiaire.yaml").read_text())
    document["paths"]["/sessions"]["post"]["responses"] = {"201": {}}  # no description
    with pytest.raises(OpenAPIValidationError):
        validate(document)


@pytest.mark.slow
def test_generated_matches_openapi() -> None:
    """`make check`'s check, which trusts its stamp (tools/operations.py) when one matches:
    the next test generates afresh."""
    result = subprocess.run([*TOOL, "check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
# datamodel-codegen's note on the clock's date-time pattern, which `make generate` prints too.
@pytest.mark.filterwarnings("ignore:Pydantic does not take pattern:UserWarning")
def test_generation_is_byte_for_byte_reproducible() -> None:
    """A generation now writes, byte for byte, the generated/ that an earlier process wrote
    (another hash seed, another day). datamodel-codegen runs in this process, so a second
    generation here would share the first one's hash seed: generated/ is the other run."""
    generated = ROOT / "generated"
    with operations.scratch() as output:
        operations.generate(output)
        made = operations.modules(output)
        assert made == operations.modules(generated)
        assert {"okta_operations.py", "dicts/okta.py"} <= set(made)
        differ = [m for m in made if (output / m).read_bytes() != (generated / m).read_bytes()]
    assert differ == [], "generated/ is not what a generation writes: `make generate`?"


@pytest.mark.slow
def test_drift_is_detected(tmp_path: Path) -> None:
    """Both halves of generated/ are held to the specs: a model's field renamed (vestiaire)
    and an operation's parameter renamed (okta, whose models it does not name) in one run,
    which generates once."""
    for name in ("openapi", "generated", "tools"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    for spec, old, new in [
        ("vestiaire", "userId:", "customerId:"),
        ("okta", "name: sessionId", "name: session_id"),
    ]:
        path = tmp_path / "openapi" / f"{spec}.yaml"
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new))
    result = subprocess.run([*TOOL, "check"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1
    faults = result.stderr.splitlines()
    assert "generated/vestiaire.py is out of date" in faults
    assert "generated/vestiaire_operations.py is out of date" not in faults
    assert "generated/okta_operations.py is out of date" in faults
    assert faults[-1] == "run `make generate`"
