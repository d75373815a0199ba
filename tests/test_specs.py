"""openapi/ is the truth: every spec is valid OpenAPI 3.0.3 and generated/ matches it."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from tests.conftest import ROOT

SPECS = sorted((ROOT / "openapi").glob("*.yaml"))
CODEGEN = [str(Path(sys.executable).parent / "datamodel-codegen")]


@pytest.mark.parametrize("spec", SPECS, ids=lambda path: path.stem)
def test_spec_is_valid_openapi_3_0_3(spec: Path) -> None:
    document = yaml.safe_load(spec.read_text())
    assert document["openapi"] == "3.0.3"
    validate(document)


def test_the_validator_rejects_a_broken_spec() -> None:
    document = yaml.safe_load((ROOT / "openapi" / "vestiaire.yaml").read_text())
    document["paths"]["/sessions"]["post"]["responses"] = {"201": {}}  # no description
    with pytest.raises(OpenAPIValidationError):
        validate(document)


@pytest.mark.slow
def test_generated_matches_openapi() -> None:
    result = subprocess.run([*CODEGEN, "--check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_generation_is_byte_for_byte_reproducible(tmp_path: Path) -> None:
    for run in ("first", "second"):
        subprocess.run(
            [*CODEGEN, "--output", str(tmp_path / run)], cwd=ROOT, check=True, capture_output=True
        )
    comparison = filecmp.dircmp(tmp_path / "first", tmp_path / "second")
    assert comparison.left_list == comparison.right_list
    assert not comparison.diff_files


@pytest.mark.slow
def test_drift_is_detected(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "openapi", tmp_path / "openapi")
    shutil.copytree(ROOT / "generated", tmp_path / "generated")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    spec = tmp_path / "openapi" / "vestiaire.yaml"
    spec.write_text(spec.read_text().replace("userId:", "customerId:"))
    result = subprocess.run([*CODEGEN, "--check"], cwd=tmp_path, capture_output=True)
    assert result.returncode == 1
