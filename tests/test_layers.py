"""The dependency arrows of the design, checked on the imports of impl/: the state kit
imports neither the web platform nor the features, the platform never the features, core
no vendor, no vendor another vendor, and no module reaches itself through its imports."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from sessim.registry import VENDORS

IMPL = Path(__file__).resolve().parent.parent / "impl"


def _module(path: Path) -> str:
    parts = path.relative_to(IMPL).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(("sessim", *parts))


def _modules() -> dict[str, Path]:
    return {
        _module(path): path
        for path in IMPL.rglob("*.py")
        if path.relative_to(IMPL).parts[0] not in ("generated", "openapi")
    }


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[str]:
    """The sessim modules a module imports (type-checking imports included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([base] if base else [])])
            for alias in node.names:
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    """Each module's imports of sessim modules, parsed by the worker that runs these tests
    (not at collection, in every worker). A module's own ancestor packages are left out:
    Python imports them before it anyway."""
    return {
        name: {
            target
            for target in _imports(name, path)
            if target in MODULES and not name.startswith(target + ".")
        }
        for name, path in MODULES.items()
    }


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("sessim.core.kit", ("sessim.core.web", "sessim.core.features")),
        ("sessim.core.web", ("sessim.core.features",)),
    ],
)
def test_a_layer_imports_nothing_above_it(
    layer: str, forbidden: tuple[str, ...], graph: dict[str, set[str]]
) -> None:
    wrong = sorted(
        f"{source} -> {target}"
        for source, targets in graph.items()
        if _under(source, layer)
        for target in targets
        if any(_under(target, above) for above in forbidden)
    )
    assert wrong == []


def test_core_imports_nothing_of_sessim_outside_it(graph: dict[str, set[str]]) -> None:
    """No vendor, no admin API, no app factory: core is vendor-neutral."""
    wrong = sorted(
        f"{source} -> {target}"
        for source, targets in graph.items()
        if _under(source, "sessim.core")
        for target in targets
        if not _under(target, "sessim.core")
    )
    assert wrong == []


@pytest.mark.registry
def test_no_vendor_imports_another(graph: dict[str, set[str]]) -> None:
    wrong = sorted(
        f"{source} -> {target}"
        for vendor in VENDORS
        for source, targets in graph.items()
        if _under(source, f"sessim.{vendor}")
        for target in targets
        if any(_under(target, f"sessim.{other}") for other in VENDORS if other != vendor)
    )
    assert wrong == []


def test_no_module_imports_itself_through_others(graph: dict[str, set[str]]) -> None:
    """No import circle, type-checking imports included (a package's __init__ re-exporting
    its own modules is no circle)."""
    circles = []
    for start in graph:
        seen: set[str] = set()
        todo = [(start, [start])]
        while todo:
            name, trail = todo.pop()
            for target in graph[name]:
                if target == start and not _under(name, start):
                    circles.append(" -> ".join([*trail, target]))
                elif target not in seen and not _under(target, start):
                    seen.add(target)
                    todo.append((target, [*trail, target]))
    assert circles == []
