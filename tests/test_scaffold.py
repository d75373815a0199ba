"""`make vendor NAME=x` (tools/scaffold.py): the names it refuses, and the vendor it writes
working straight away, in a copy of the repository: generated, checked, served and covered by
the registry-driven tests, touching nothing outside its own files but its entry point."""

from __future__ import annotations

import ast
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest
from sessim.registry import VENDORS

from tests.conftest import ROOT
from tools import scaffold

NAME = "acme"
# What the scaffold and `make generate` may change: the vendor's own files and its entry point.
OWN = (f"impl/{NAME}/", f"openapi/{NAME}.yaml", f"tests/{NAME}/", f"generated/{NAME}.py")
OWN += (f"generated/{NAME}_operations.py", f"generated/dicts/{NAME}.py")
# A test as ast reads it: a function of the module or a method of its class.
Function = ast.FunctionDef | ast.AsyncFunctionDef


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
    finds it built for this Python with the locked tree: installing the copy is then one
    editable build."""
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
    (venv / ".locked").touch()  # the locked tree: this venv's packages


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
    # The registry-driven tests (marked `registry`, in every lane) for the new vendor and the
    # whole registry, not their cases of the other vendors (which the suite runs itself);
    # the vendor's own tests and its contract runs (the CLI against a live server).
    others = " or ".join(VENDORS)
    pytest = [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-x"]
    pytest += ["-k", f"(registry or {NAME}) and not ({others})"]
    run([*pytest, *registry_files(), f"tests/{NAME}", "tests/contract/test_cli.py"], copy, env)

    changed = run(["git", "status", "--porcelain", "--untracked-files=all"], copy, env)
    paths = [line[3:] for line in changed.splitlines()]
    assert "pyproject.toml" in paths
    assert all(path.startswith(OWN) for path in paths if path != "pyproject.toml"), paths
    assert all(any(path.startswith(own) for path in paths) for own in OWN), paths
    diff = run(["git", "diff", "-U0", "pyproject.toml"], copy, env)
    lines = diff.splitlines()
    edits = [line for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert edits == [f'+{NAME} = "sessim.{NAME}.vendor:VENDOR"']


def test_every_test_that_loops_over_the_registry_is_marked_registry() -> None:
    """The scaffold's run in a copy selects the registry-driven tests by that mark: one left
    unmarked would leave a new vendor unchecked, silently. A test loops over the registry
    where it, or a helper, fixture or constant of its module, reads VENDORS other than by
    one vendor's key. tests/contract is the contract lane, whose runs the scaffold's run
    selects by the new vendor's name; this file reads the registry to select, not to loop."""
    sources = {
        path.relative_to(ROOT): path.read_text()
        for path in (ROOT / "tests").rglob("test_*.py")
        if "contract" not in path.relative_to(ROOT).parts and path != Path(__file__)
    }
    modules = {path: ast.parse(text) for path, text in sources.items() if "VENDORS" in text}
    unmarked = [
        f"{path}::{test.name}"
        for path, module in sorted(modules.items())
        for test in reading_the_registry(module)
        if not dict(module_tests(module))[test]
    ]
    assert unmarked == []
    assert "tests/test_hostile.py" in registry_files()  # the marks are seen


def registry_files() -> list[str]:
    """The test files that hold a test marked `registry`."""
    sources = {path: path.read_text() for path in sorted((ROOT / "tests").rglob("test_*.py"))}
    return [
        str(path.relative_to(ROOT))
        for path, text in sources.items()
        if "registry" in text and any(marked for _, marked in module_tests(ast.parse(text)))
    ]


def module_tests(module: ast.Module) -> Iterator[tuple[Function, bool]]:
    """The module's test functions and methods, each with whether it is marked `registry`
    (itself, its class, or the module's pytestmark)."""
    everywhere = any(
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
        and is_registry_mark(node.value)
        for node in module.body
    )
    for node in module.body:
        if isinstance(node, ast.ClassDef):
            marked = everywhere or any(map(is_registry_mark, node.decorator_list))
            for method in node.body:
                if isinstance(method, Function) and method.name.startswith("test"):
                    yield method, marked or any(map(is_registry_mark, method.decorator_list))
        elif isinstance(node, Function) and node.name.startswith("test"):
            yield node, everywhere or any(map(is_registry_mark, node.decorator_list))


def is_registry_mark(node: ast.expr) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "registry" for n in ast.walk(node))


def reading_the_registry(module: ast.Module) -> list[Function]:
    """The module's tests that read VENDORS whole, themselves or through a module-level name
    they use (a helper, fixture or constant), transitively."""
    definitions: dict[str, ast.AST] = {}
    for node in module.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            definitions[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                definitions.update((name, node) for name in names_in(target))
    uses = {name: names_in(node) for name, node in definitions.items()}
    reading = {name for name, node in definitions.items() if reads_vendors(node)}
    while more := {name for name, used in uses.items() if name not in reading and used & reading}:
        reading |= more
    return [
        test
        for test, _ in module_tests(module)
        if test.name in reading or reads_vendors(test) or names_in(test) & reading
    ]


def names_in(node: ast.AST) -> set[str]:
    """The names a node uses, its functions' parameters (fixtures) among them."""
    found = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return found | {n.arg for n in ast.walk(node) if isinstance(n, ast.arg)}


def reads_vendors(node: ast.AST) -> bool:
    """VENDORS read other than as VENDORS["okta"]."""
    one_vendor = {
        id(n.value)
        for n in ast.walk(node)
        if isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant)
    }
    return any(
        (isinstance(n, ast.Name) and n.id == "VENDORS")
        or (isinstance(n, ast.Attribute) and n.attr == "VENDORS")
        for n in ast.walk(node)
        if id(n) not in one_vendor
    )
