"""The distribution: a wheel built from the repository installs one package, `sessim`, with
its specs, generated models, demo fixture and inspector, and serves from a fresh venv outside
the clone: with the locked tree, with every direct dependency at the floor of its range, and
with the newest that the ranges admit (these two from the package index)."""

from __future__ import annotations

import contextlib
import email
import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from sessim.registry import ADMIN, VENDORS

from tests.conftest import ROOT, free_port, wait_until_listening

pytestmark = pytest.mark.package

# What the build reads: copied elsewhere, so that building writes nothing in the clone.
SOURCES = ("pyproject.toml", "tools/hatch_build.py", "README.md", "LICENSE")
SOURCES += ("impl", "openapi", "generated")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# Sessim's direct dependencies, as pyproject.toml ranges them.
RANGES = [Requirement(line) for line in PROJECT["dependencies"]]


def floors() -> dict[str, str]:
    """Each direct dependency's floor: the version of its `>=`."""
    return {
        requirement.name: next(s.version for s in requirement.specifier if s.operator == ">=")
        for requirement in RANGES
    }


def locked() -> dict[str, str]:
    """requirements.lock, by canonical name (prometheus-client, not prometheus_client)."""
    pins = (line.split("==") for line in (ROOT / "requirements.lock").read_text().split())
    return {canonicalize_name(name): version for name, version in pins}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source, dist = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("dist")
    bytecode = shutil.ignore_patterns("__pycache__")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=bytecode)
        else:
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    # The venv's hatchling (requirements.lock) builds it: no download of a build environment.
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source)],
        check=True,
    )
    (built,) = dist.glob("sessim-*.whl")
    return built


def make_venv(wheel: Path, home: Path, *pip_args: str) -> Path:
    """A fresh venv with the wheel installed (not editable) with pip_args (constraints), by
    uv (requirements.lock): it resolves and installs in a second where pip took a dozen."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True)
    uv = [str(Path(sys.executable).parent / "uv"), "pip", "install", "--quiet"]
    subprocess.run(
        [*uv, "--python", str(home / "bin" / "python"), *pip_args, str(wheel)], check=True
    )
    return home


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel with its dependencies as requirements.lock pins them."""
    home = tmp_path_factory.mktemp("venv") / "locked"
    return make_venv(wheel, home, "-c", str(ROOT / "requirements.lock"))


@pytest.fixture(scope="module")
def floor_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel with every direct dependency at its floor (a constraints file made from
    pyproject.toml's ranges); the rest as pip resolves them."""
    work = tmp_path_factory.mktemp("floors")
    constraints = work / "floors.txt"
    constraints.write_text("".join(f"{name}=={version}\n" for name, version in floors().items()))
    return make_venv(wheel, work / "venv", "-c", str(constraints))


@pytest.fixture(scope="module")
def newest_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel with the newest versions that the ranges admit: no constraints."""
    return make_venv(wheel, tmp_path_factory.mktemp("newest") / "venv")


@pytest.mark.registry
def test_the_wheel_holds_one_package_with_its_specs_models_fixture_and_inspector(
    wheel: Path,
) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {"sessim", wheel.name.split("-py3")[0] + ".dist-info"}
    for api in (ADMIN, *VENDORS.values()):
        assert f"sessim/openapi/{api.spec}" in names
        assert f"sessim/generated/{api.spec.removesuffix('.yaml')}.py" in names
    for name in VENDORS:
        assert f"sessim/{name}/demo.yaml" in names
    entry_points = zipfile.ZipFile(wheel).read(
        f"{wheel.name.split('-py3')[0]}.dist-info/entry_points.txt"
    )
    assert all(f"{name} = sessim.{name}.vendor:VENDOR" in entry_points.decode() for name in VENDORS)
    assert "sessim/generated/__init__.py" in names
    for page in ("inspector.html", "assets/inspector.js", "assets/inspector.css"):
        assert f"sessim/admin/{page}" in names
    assert "sessim/admin/assets/favicon.svg" in names
    assert {"sessim/__main__.py", "sessim/core/kit/store/sqlite.py"} <= set(names)
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    # The editable install's finder is for editable builds only.
    assert not [name for name in names if "editable" in name]


def test_the_wheel_metadata_has_ranges_a_license_and_the_python_versions(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        info = wheel.name.split("-py3")[0] + ".dist-info"
        metadata = email.message_from_bytes(archive.read(f"{info}/METADATA"))
        assert archive.read(f"{info}/licenses/LICENSE") == (ROOT / "LICENSE").read_bytes()
    assert metadata["Requires-Python"] == ">=3.11"
    assert metadata["License-Expression"] == "Apache-2.0"
    assert "Source, https://github.com/sessim/sessim" in metadata.get_all("Project-URL")
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in metadata.get_all("Classifier")
    runtime = [Requirement(r) for r in metadata.get_all("Requires-Dist") if "extra ==" not in r]
    assert {r.name for r in runtime} == {r.name for r in RANGES}
    for requirement in runtime:  # a floor and a ceiling each, never a pin
        assert {s.operator for s in requirement.specifier} == {">=", "<"}, requirement


def test_the_installed_package_serves_from_a_fresh_venv(venv: Path) -> None:
    python = str(venv / "bin" / "python")
    with tempfile.TemporaryDirectory() as elsewhere:  # nothing of the clone on the path
        for name in ("impl", "generated", "openapi"):
            found = subprocess.run([python, "-c", f"import {name}"], cwd=elsewhere)
            assert found.returncode != 0, f"the install put a top-level {name} on the path"
        with serving([str(venv / "bin" / "sessim")], Path(elsewhere)) as client:
            assert_one_flow(client)
            assert client.get("/_admin/").status_code == 200  # the inspector
            for asset in ("inspector.js", "inspector.css", "favicon.svg"):
                response = client.get(f"/_admin/assets/{asset}")
                assert response.status_code == 200, asset
                assert response.content == (ROOT / "impl/admin/assets" / asset).read_bytes()


def test_the_floors_of_the_ranges_install_and_serve(floor_venv: Path) -> None:
    assert installed(floor_venv, floors()) == floors()
    with tempfile.TemporaryDirectory() as elsewhere, module_serving(floor_venv, elsewhere) as http:
        assert_one_flow(http)


def test_the_newest_versions_the_ranges_admit_install_and_serve(newest_venv: Path) -> None:
    versions = installed(newest_venv, floors())
    pins = locked()
    for requirement in RANGES:  # the newest: never older than what the lock holds
        version, pin = versions[requirement.name], pins[canonicalize_name(requirement.name)]
        assert version in requirement.specifier, (requirement, version)
        assert Version(version) >= Version(pin), (requirement, version)
    with tempfile.TemporaryDirectory() as elsewhere, module_serving(newest_venv, elsewhere) as http:
        assert_one_flow(http)


def assert_one_flow(client: httpx.Client) -> None:
    """The demo's Vestiaire user logs in and out, and the session is gone."""
    login = {"email": "demo@sessim.dev", "password": "sessim-demo"}
    response = client.post("/vestiaire/sessions", json=login)
    assert response.status_code == 201, response.text
    assert response.json()["data"]["userId"] == "28731456"
    session = response.json()["data"]["id"]
    logout = client.delete(f"/vestiaire/sessions/{session}", headers={"__session": session})
    assert logout.status_code == 204, logout.text
    again = client.delete(f"/vestiaire/sessions/{session}", headers={"__session": session})
    assert again.status_code == 401, again.text
    assert client.get("/_admin/health").json() == {"status": "ok"}


def installed(venv: Path, names: dict[str, str]) -> dict[str, str]:
    """The versions of these distributions in the venv."""
    script = "import json, sys\nfrom importlib.metadata import version\n"
    script += "print(json.dumps({name: version(name) for name in sys.argv[1:]}))"
    python = str(venv / "bin" / "python")
    found = subprocess.run([python, "-c", script, *names], capture_output=True, check=True)
    return json.loads(found.stdout)


def module_serving(venv: Path, cwd: str) -> contextlib.AbstractContextManager[httpx.Client]:
    """`python -m sessim serve`, the entry point where the script is not on PATH."""
    return serving([str(venv / "bin" / "python"), "-m", "sessim"], Path(cwd))


@contextlib.contextmanager
def serving(sessim: list[str], cwd: Path) -> Iterator[httpx.Client]:
    """`sessim serve --demo` (the sessim command given), run from cwd; yields a client of its
    base URL (one client: httpx.get() would build a TLS context, 30 ms of CPU, per call)."""
    port = free_port()
    command = [
        *sessim, "serve", "--port", str(port), "--store", "memory://",
        "--demo", "--argon2-time-cost", "1", "--argon2-memory-kib", "8",
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=cwd, stderr=log)
        try:
            wait_until_listening(base, server, log)
            with httpx.Client(base_url=base) as client:
                yield client
        finally:
            server.terminate()
            server.wait(timeout=10)
