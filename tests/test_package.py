"""The distribution: a wheel built from the repository installs one package, `sessim`, with
its specs, generated models and demo fixture, and serves from a fresh venv outside the
clone."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, free_port, wait_until_listening

pytestmark = pytest.mark.package

# What the build reads: copied elsewhere, so that building writes nothing in the clone.
SOURCES = ("pyproject.toml", "setup.py", "README.md", "impl", "openapi", "generated")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source, dist = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("dist")
    for name in SOURCES:
        if (ROOT / name).is_dir():  # impl/'s links to openapi/ and generated/ stay links
            shutil.copytree(ROOT / name, source / name, symlinks=True)
        else:
            shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    # The venv's pinned setuptools builds it: no download of a build environment.
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source)],
        check=True,
    )
    (built,) = dist.glob("sessim-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed (not editable), its dependencies as pinned."""
    home = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(home)], check=True)
    python = str(home / "bin" / "python")
    pin = ["-c", str(ROOT / "requirements.lock")]
    quiet = ["--quiet", "--disable-pip-version-check"]
    subprocess.run([python, "-m", "pip", "install", *quiet, *pin, str(wheel)], check=True)
    return home


def test_the_wheel_holds_one_package_with_its_specs_and_fixture(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {"sessim", wheel.name.split("-py3")[0] + ".dist-info"}
    for spec in ("admin", "okta", "sfcc", "vestiaire", "optimizely"):
        assert f"sessim/openapi/{spec}.yaml" in names
        assert f"sessim/generated/{spec}.py" in names
    assert "sessim/fixtures/demo.yaml" in names
    for page in ("inspector.html", "assets/inspector.js", "assets/inspector.css"):
        assert f"sessim/admin/{page}" in names
    assert "sessim/core/store/sqlite.py" in names


def test_the_installed_package_serves_from_a_fresh_venv(venv: Path) -> None:
    python = str(venv / "bin" / "python")
    with tempfile.TemporaryDirectory() as elsewhere:  # nothing of the clone on the path
        for name in ("impl", "generated"):
            found = subprocess.run([python, "-c", f"import {name}"], cwd=elsewhere)
            assert found.returncode != 0, f"the install put a top-level {name} on the path"
        with serving(venv, Path(elsewhere)) as base:
            login = {"email": "demo@sessim.dev", "password": "sessim-demo"}
            response = httpx.post(f"{base}/vestiaire/sessions", json=login)
            assert response.status_code == 201, response.text
            assert response.json()["data"]["userId"] == "28731456"
            assert httpx.get(f"{base}/_admin/health").json() == {"status": "ok"}
            assert httpx.get(f"{base}/_admin/").status_code == 200  # the inspector
            assert httpx.get(f"{base}/_admin/assets/inspector.js").status_code == 200


@contextlib.contextmanager
def serving(venv: Path, cwd: Path) -> Iterator[str]:
    """`sessim serve --demo` of the venv, run from cwd; yields its base URL."""
    port = free_port()
    command = [
        str(venv / "bin" / "sessim"), "serve", "--port", str(port), "--store", "memory://",
        "--demo", "--argon2-time-cost", "1", "--argon2-memory-kib", "8",
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=cwd, stderr=log)
        try:
            wait_until_listening(base, server, log)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=10)
