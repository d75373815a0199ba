"""`make vendor NAME=x` (tools/scaffold.py): the names it refuses, and the vendor it writes
working straight away, in a copy of the repository: generated, checked, served and covered by
the registry-driven tests, touching nothing outside its own files but its entry point."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tools import scaffold

NAME = "acme"
# What the scaffold and `make generate` may change: the vendor's own files and its entry point.
OWN = (f"impl/{NAME}/", f"openapi/{NAME}.yaml", f"tests/{NAME}/", f"generated/{NAME}.py")
OWN += (f"generated/{NAME}_operations.py", f"generated/dicts/{NAME}.py")
# The registry-driven tests, the vendor's own and its contract run.
TESTS = ("tests/test_registry.py", "tests/test_specs.py", "tests/test_hostile.py")
TESTS += ("tests/core/test_catalog.py", "tests/test_metrics.py", "tests/test_layers.py")
TESTS += (
    f"tests/{NAME}",
    f"tests/contract/test_cli.py::test_the_schemathesis_cli_finds_no_failure[{NAME}-0]",
)


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("Acme", "is not a lowercase identifier"),
        ("1acme", "is not a lowercase identifier"),
        ("ac-me", "is not a lowercase identifier"),
        ("_acme", "is not a lowercase identifier"),
        ("class", "is not a lowercase identifier"),
        ("", "is not a lowercase identifier"),
        ("vestiaire", "exists already (impl/vestiaire, openapi/vestiaire.yaml"),
        ("core", "exists already (impl/core, tests/core)"),
        ("okta_operations", "exists already (generated/okta_operations.py)"),
        ("openapi", "exists already (the package uses it)"),
    ],
)
def test_a_name_that_cannot_be_a_new_vendor_is_refused_in_one_line(name: str, says: str) -> None:
    why = scaffold.refusal(name, ROOT)
    assert why is not None and says in why
    assert "\n" not in why


def test_the_scaffolder_refuses_in_one_line_before_writing_anything() -> None:
    result = subprocess.run(
        [sys.executable, "tools/scaffold.py", "Okta"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "NAME='Okta' is not a lowercase identifier (a-z, then a-z, 0-9 or _)\n"
    assert not (ROOT / "impl" / "Okta").exists()


def test_the_entry_point_goes_into_its_group_in_name_order(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    group = '[project.entry-points."sessim.vendors"]\nb = "sessim.b.vendor:VENDOR"\n'
    pyproject.write_text(f'[project]\n\n{group}d = "sessim.d.vendor:VENDOR"\n\n[tool.x]\n')
    scaffold.declare("c", pyproject)
    scaffold.declare("a", pyproject)
    assert pyproject.read_text() == (
        '[project]\n\n[project.entry-points."sessim.vendors"]\n'
        + "".join(f'{name} = "sessim.{name}.vendor:VENDOR"\n' for name in "abcd")
        + "\n[tool.x]\n"
    )


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def copy_of_the_repository(copy: Path) -> None:
    """The tracked files, committed in a repository of their own (to ask git what changed)."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "copy"]):
        subprocess.run([*git, *command], cwd=copy, check=True)


def venv_on_these_packages(venv: Path) -> None:
    """A venv that imports this one's packages (a .pth file naming its site-packages) and runs
    its tools (its scripts, their first line pointed at the new venv's python), where `make`
    finds it built for this Python: installing the copy is then one editable build."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = Path(sysconfig.get_paths(vars={"base": str(venv)})["purelib"])
    (purelib / "_outer_site_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    outer, inner = Path(sys.executable).parent, venv / "bin"
    for script in outer.iterdir():
        target = inner / script.name
        if target.exists() or script.name.startswith("activate"):
            continue
        if script.read_bytes().startswith(b"#!" + bytes(outer)):  # a Python script of ours
            body = script.read_text().split("\n", 1)[1]
            target.write_text(f"#!{inner / 'python'}\n{body}")
            target.chmod(0o755)
        else:
            target.symlink_to(script)  # a binary (ruff)
    (venv / f".python-{platform.python_version()}").touch()


@pytest.mark.slow
def test_a_scaffolded_vendor_works_straight_away(tmp_path: Path) -> None:
    copy = tmp_path / "sessim"
    copy_of_the_repository(copy)
    venv = copy / ".venv"
    venv_on_these_packages(venv)
    # mypy's cache of this checkout (the same paths): `make check` there checks only what
    # changed, as it would in the user's checkout. mypy trusts an entry whose file's hash
    # still matches, so the cache cannot hide a change.
    if (ROOT / ".mypy_cache").is_dir():
        shutil.copytree(ROOT / ".mypy_cache", copy / ".mypy_cache")
    env = {"PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "HOME": os.environ.get("HOME", "/")}
    make = ["make", "--no-print-directory", f"PYTHON={sys.executable}"]

    run([*make, "vendor", f"NAME={NAME}"], copy, env)
    run([*make, "generate"], copy, env)  # installs the copy first: pyproject.toml changed
    run([*make, "check"], copy, env)  # lint, mypy, generated/ as written, the Protocol
    # Not the slow lane: its tests there are the generator's own (what `make check` has
    # just checked for the copy) and the metrics across worker processes, none per vendor.
    pytest = [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-x", "-m", "not slow"]
    run([*pytest, *TESTS], copy, env)

    changed = run(["git", "status", "--porcelain", "--untracked-files=all"], copy, env)
    paths = [line[3:] for line in changed.splitlines()]
    assert "pyproject.toml" in paths
    assert all(path.startswith(OWN) for path in paths if path != "pyproject.toml"), paths
    assert all(any(path.startswith(own) for path in paths) for own in OWN), paths
    diff = run(["git", "diff", "-U0", "pyproject.toml"], copy, env)
    lines = diff.splitlines()
    edits = [line for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert edits == [f'+{NAME} = "sessim.{NAME}.vendor:VENDOR"']
