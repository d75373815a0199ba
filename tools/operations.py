"""The operations of each spec as connexion calls their handlers, and the check that holds
the handlers to them.

`python tools/operations.py write` writes generated/: datamodel-codegen's models, and for
every spec in openapi/ generated/<spec>_operations.py, a Protocol with one method per
operationId, named as the resolver names its handler, with the arguments connexion 3.3
passes (connexion.decorators.parameter):

- path parameters, always (under their sanitized names), so a handler must take them all;
- query parameters, the request body (`body`, or the spec's x-body-name) and the security
  context (`token_info`, `user`) only to a handler that declares them. Those are keyword
  arguments here; `= ...` marks one connexion may leave out even then (an optional query
  parameter without a default, the context of an operation that may go unauthenticated),
  so the handler must give it a default.
- Header and cookie parameters never (handlers read them from the request).

mypy cannot hold a handler to "a subset of these parameters" (a function that takes fewer
parameters is no subtype of one that takes more), so `check` does: every operation has an
async handler, which takes every path parameter and nothing connexion does not pass, whose
annotations accept what connexion passes and whose required parameters are always passed.
`check` first fails when generated/ differs from what `write` would write (byte for byte:
datamodel-codegen's own --check would count the Protocols as stray files). Generating takes
seconds, so `write`, and a `check` that found no drift, leave a stamp in build/: the digest
of everything the generation reads (openapi/, pyproject.toml, this tool, the resolver's
naming, the generators' versions) beside the digest of generated/. A `check` that finds both
digests as stamped has nothing to compare: what generated/ holds is what those inputs gave.
A change to either side, or no stamp (a fresh clone), and it generates and compares.
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import hashlib
import importlib
import importlib.metadata
import inspect
import shutil
import signal
import subprocess
import sys
import tempfile
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from connexion.decorators.parameter import sanitized
from sessim.core.web.api import handler_name

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "openapi"
GENERATED = ROOT / "generated"
STAMP = ROOT / "build" / "generated.stamp"
# What the output depends on besides openapi/: the tools' versions (the stamp's digest).
GENERATORS = ("datamodel-code-generator", "ruff", "connexion")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
# Answers built on the hot path are dicts (a model and its dump cost getSession's answer
# about four times the dict's time), typed by these: the spec's names (`_links`, not
# `field_links`), its enums as Literals, timestamps as the vendor's text (its nulls, as the
# models', by pyproject's strict-nullable).
TYPED_DICTS = (
    "--output-model-type=typing.TypedDict",
    "--special-field-name-prefix=",
    "--no-use-closed-typed-dict",  # PEP 728, which mypy does not read yet
)
MAY_BE_LEFT_OUT = "..."


# Writing


def specs() -> Iterator[tuple[str, dict]]:
    """(name, spec) of every OpenAPI document in openapi/, by file name."""
    for path in sorted(SPECS.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text())
        if isinstance(spec, dict) and "openapi" in spec and "paths" in spec:
            yield path.stem, spec


def generate(output: Path) -> None:
    """generated/ as `write` makes it, in output: datamodel-codegen's models (configured in
    pyproject.toml), the same schemas as TypedDicts (in dicts/) and the Protocols."""
    _codegen(["--output", str(output)])
    _codegen(["--output", str(output / "dicts"), *TYPED_DICTS])
    for name, spec in specs():
        (output / f"{name}_operations.py").write_text(render(name, spec))


def _codegen(arguments: list[str]) -> None:
    """datamodel-codegen's command, in this process (its own would import it twice more, a
    second of CPU), from the repository, where it finds pyproject.toml. It is imported here,
    where it runs (a check its stamp spares does without it), and importing it sets a SIGINT
    handler that exits quietly (in a pytest worker too): the caller's is put back."""
    handler = signal.getsignal(signal.SIGINT)
    try:
        from datamodel_code_generator.__main__ import main

        with contextlib.chdir(ROOT):
            status = main(arguments)
    finally:
        signal.signal(signal.SIGINT, handler)
    if status != 0:
        raise RuntimeError(f"datamodel-codegen {' '.join(arguments)} failed")


def write() -> None:
    """Rewrites generated/, removing modules no longer generated, and stamps it."""
    with scratch() as output:
        generate(output)
        for stale in set(modules(GENERATED)) - set(modules(output)):
            (GENERATED / stale).unlink()
        for module in modules(output):
            (GENERATED / module).parent.mkdir(exist_ok=True)
            shutil.copyfile(output / module, GENERATED / module)
    _stamp()


def drifted() -> list[str]:
    """How generated/ differs from what `write` would write now."""
    if STAMP.is_file() and STAMP.read_text() == _digests():
        return []
    with scratch() as output:
        generate(output)
        made, found = set(modules(output)), set(modules(GENERATED))
        changed = [m for m in made & found if not filecmp.cmp(output / m, GENERATED / m, False)]
    faults = [f"generated/{m} is out of date" for m in sorted(changed)]
    faults += [f"generated/{m} is missing" for m in sorted(made - found)]
    faults += [f"generated/{m} is not generated" for m in sorted(found - made)]
    if not faults:
        _stamp()
    return faults + (["run `make generate`"] if faults else [])


def _stamp() -> None:
    STAMP.parent.mkdir(exist_ok=True)
    STAMP.write_text(_digests())


def _digests() -> str:
    """The digest of the generation's inputs, and of generated/, one line each."""
    naming = Path(inspect.getfile(handler_name))
    inputs = [*sorted(path for path in SPECS.rglob("*") if path.is_file()), ROOT / "pyproject.toml"]
    inputs += [Path(__file__).resolve(), naming]
    versions = " ".join(importlib.metadata.version(name) for name in GENERATORS)
    outputs = [GENERATED / module for module in modules(GENERATED)]
    return f"{_digest(inputs, ROOT, versions)}\n{_digest(outputs, GENERATED)}\n"


def _digest(paths: list[Path], root: Path, salt: str = "") -> str:
    """sha256 over the files' names (relative to root, where they are under it) and bytes."""
    digest = hashlib.sha256(salt.encode())
    for path in paths:
        name = path.relative_to(root) if path.is_relative_to(root) else path
        digest.update(f"\0{name}\0".encode() + path.read_bytes())
    return digest.hexdigest()


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A directory under the repository, so that the formatter reads its pyproject.toml."""
    with tempfile.TemporaryDirectory(dir=ROOT, prefix=".generated-") as scratch:
        yield Path(scratch)


def modules(directory: Path) -> list[str]:
    return sorted(
        str(path.relative_to(directory))
        for path in directory.rglob("*.py")
        if "__pycache__" not in path.parts
    )


def protocol_name(name: str) -> str:
    return f"{name.title()}Operations"


def render(name: str, spec: dict) -> str:
    """The module for one spec, ruff-formatted."""
    models: set[str] = set()
    methods = [
        _method(spec, path, verb, operation, models)
        for path, item in spec["paths"].items()
        for verb, operation in item.items()
        if verb in METHODS
    ]
    imports = f"from .{name} import {', '.join(sorted(models))}\n" if models else ""
    source = (
        f"# generated by tools/operations.py from {name}.yaml: do not edit.\n"
        f'"""The operations of {name}.yaml as connexion calls their handlers (see\n'
        'tools/operations.py for the rules of what it passes)."""\n\n'
        "from __future__ import annotations\n\n"
        "from typing import Any, Protocol\n\n"
        f"{imports}\n\n"
        f"class {protocol_name(name)}(Protocol):\n" + "\n".join(methods)
    )
    return _format(source)


def _method(spec: dict, path: str, verb: str, operation: dict, models: set[str]) -> str:
    shared = spec["paths"][path].get("parameters", [])
    parameters = [_resolve(spec, p) for p in [*shared, *operation.get("parameters", [])]]
    positional = [
        f"{sanitized(p['name'])}: {_type(spec, p['schema'])}"
        for p in parameters
        if p["in"] == "path"
    ]
    keywords = [_query(spec, p) for p in parameters if p["in"] == "query"]
    body = operation.get("requestBody")
    if body is not None:
        keywords.append(_body(spec, _resolve(spec, body), models))
    security = operation.get("security", spec.get("security", []))
    if security:
        optional = f" = {MAY_BE_LEFT_OUT}" if {} in security else ""
        keywords += [f"token_info: dict[str, Any]{optional}", f"user: str | None{optional}"]
    arguments = ", ".join(["self", *positional, *(["*", *keywords] if keywords else [])])
    snake = handler_name(operation["operationId"])
    return (
        f"    async def {snake}({arguments}) -> object:\n"
        f'        """{operation["operationId"]}: {verb.upper()} {path}"""\n'
    )


def _query(spec: dict, parameter: dict) -> str:
    schema = _resolve(spec, parameter["schema"])
    always = parameter.get("required", False) or "default" in schema
    name = sanitized(parameter["name"])
    return f"{name}: {_type(spec, schema)}" + ("" if always else f" = {MAY_BE_LEFT_OUT}")


def _body(spec: dict, body: dict, models: set[str]) -> str:
    """The body as its generated model; a schema without one (inline) as a dict."""
    schemas = [media.get("schema", {}) for media in body.get("content", {}).values()]
    refs = {schema.get("$ref") for schema in schemas}
    annotation = "dict[str, Any]"
    if len(refs) == 1 and None not in refs:
        model = str(refs.pop()).rsplit("/", 1)[-1]
        models.add(model)
        annotation = model
    return f"{sanitized(body.get('x-body-name', 'body'))}: {annotation}"


def _type(spec: dict, schema: dict) -> str:
    schema = _resolve(spec, schema)
    kind = schema.get("type", "string")
    annotation = (
        f"list[{_type(spec, schema.get('items', {}))}]"
        if kind == "array"
        else SCALARS.get(kind, "Any")
    )
    return f"{annotation} | None" if schema.get("nullable") else annotation


def _resolve(spec: dict, node: dict) -> dict:
    while "$ref" in node and node["$ref"].startswith("#/components/"):
        _hash, _components, section, name = node["$ref"].split("/")
        node = spec["components"][section][name]
    return node


def _format(source: str) -> str:
    ruff = Path(sys.executable).with_name("ruff")
    formatted = subprocess.run(
        [str(ruff), "format", "--quiet", "--line-length", "100", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    )
    return formatted.stdout


# Checking


def load_protocol(name: str) -> type:
    module = importlib.import_module(f"sessim.generated.{name}_operations")
    protocol: type = getattr(module, protocol_name(name))
    return protocol


def mismatches(name: str, handlers: str) -> Iterator[str]:
    """How the handlers module differs from the spec's Protocol, one line per fault."""
    protocol = load_protocol(name)
    module = importlib.import_module(handlers)
    for snake, expected in vars(protocol).items():
        if snake.startswith("_"):
            continue
        operation = f"{name} {(expected.__doc__ or '').split(':')[0]} ({handlers}.{snake})"
        handler = getattr(module, snake, None)
        if handler is None:
            yield f"{operation}: no handler for the operation"
        elif not inspect.iscoroutinefunction(handler):
            yield f"{operation}: the handler is not an async function"
        else:
            yield from (f"{operation}: {fault}" for fault in faults(expected, handler))


def faults(expected: Any, handler: Any) -> Iterator[str]:
    passed = _parameters(expected)
    passed.pop("self")
    taken = _parameters(handler)
    spec_types = typing.get_type_hints(expected)
    handler_types = typing.get_type_hints(handler)
    for name, parameter in passed.items():
        if parameter.kind is parameter.POSITIONAL_OR_KEYWORD and name not in taken:
            yield f"connexion passes path parameter {name!r}, which the handler does not take"
    for name, parameter in taken.items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            yield f"the handler takes *{name}: name the parameters it uses"
        elif name not in passed:
            known = ", ".join(passed)
            yield f"the handler takes {name!r}, which connexion does not pass ({known})"
        elif parameter.default is parameter.empty and passed[name].default is not parameter.empty:
            yield f"connexion may leave {name!r} out: the handler must give it a default"
        elif not _accepts(handler_types.get(name, Any), spec_types[name]):
            yield (
                f"{name!r} is {_show(spec_types[name])} in the spec, "
                f"the handler takes {_show(handler_types.get(name, Any))}"
            )


def _parameters(function: Any) -> dict[str, inspect.Parameter]:
    return dict(inspect.signature(function).parameters)


def _accepts(declared: Any, passed: Any) -> bool:
    """Whether an argument of type `passed` fits a parameter annotated `declared`."""
    if declared in (Any, object):
        return True
    return all(
        any(_fits(member, slot) for slot in _members(declared)) for member in _members(passed)
    )


def _fits(member: Any, slot: Any) -> bool:
    if member == slot or (typing.get_origin(member) or member) is slot:
        return True
    return isinstance(member, type) and isinstance(slot, type) and issubclass(member, slot)


def _members(annotation: Any) -> tuple[Any, ...]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return typing.get_args(annotation)
    return (annotation,)


def _show(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def apis() -> Iterator[tuple[str, str]]:
    """(spec name, handlers module) of every API the registry serves."""
    from sessim.registry import ADMIN, VENDORS

    for api in [ADMIN, *VENDORS.values()]:
        yield Path(api.spec).stem, api.handlers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["write", "check"])
    command = parser.parse_args().command
    if command == "write":
        write()
        return 0
    faults = drifted() or [
        fault for name, handlers in apis() for fault in mismatches(name, handlers)
    ]
    for fault in faults:
        print(fault, file=sys.stderr)
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
