"""`make vendor NAME=acme`: a minimal working vendor, from the templates in tools/scaffold/.

`python tools/scaffold.py acme` writes impl/acme/ (its declaration, handlers on the kit's
identities and sessions, error catalog, fixture loader, contract settings), openapi/acme.yaml
(a log-in, a session read and a log-out, and the fixture schema) and tests/acme/, and adds
the vendor's line to pyproject.toml's `sessim.vendors` entry points: the one edit outside
the vendor's own files. In the templates (and their paths) `{{name}}` is the vendor's name
and `{{Name}}` its CamelCase form; a `.tmpl` suffix, which keeps ruff and mypy off them, goes.
"""

from __future__ import annotations

import keyword
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "scaffold"
GROUP = '[project.entry-points."sessim.vendors"]\n'
# Names of the package's own modules and folders, which a vendor's package would shadow.
TAKEN = ("impl/{}", "impl/{}.py", "openapi/{}.yaml", "generated/{}.py", "tests/{}", "tests/{}.py")
RESERVED = {"generated", "openapi"}


def refusal(name: str, root: Path) -> str | None:
    """Why `name` cannot be a new vendor; None when it can."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or keyword.iskeyword(name):
        return f"NAME={name!r} is not a lowercase identifier (a-z, then a-z, 0-9 or _)"
    taken = [pattern.format(name) for pattern in TAKEN if (root / pattern.format(name)).exists()]
    if name in RESERVED or taken:
        return f"NAME={name!r} exists already ({', '.join(taken) or 'the package uses it'})"
    return None


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def fill(text: str, name: str) -> str:
    return text.replace("{{name}}", name).replace("{{Name}}", camel(name))


def scaffold(name: str, root: Path = ROOT) -> list[Path]:
    """Writes the vendor's files and its entry point; the paths written, relative to root."""
    written = []
    for template in sorted(path for path in TEMPLATES.rglob("*") if path.is_file()):
        target = Path(fill(str(template.relative_to(TEMPLATES)), name).removesuffix(".tmpl"))
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        (root / target).write_text(fill(template.read_text(), name))
        written.append(target)
    declare(name, root / "pyproject.toml")
    return [*written, Path("pyproject.toml")]


def declare(name: str, pyproject: Path) -> None:
    """The vendor's line in the entry-point group, whose lines stay sorted by name."""
    text = pyproject.read_text()
    start = text.index(GROUP) + len(GROUP)
    end = text.find("\n\n", start) + 1 or len(text)  # the group ends at a blank line
    lines = [
        *text[start:end].splitlines(keepends=True),
        f'{name} = "sessim.{name}.vendor:VENDOR"\n',
    ]
    pyproject.write_text(text[:start] + "".join(sorted(lines)) + text[end:])


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: make vendor NAME=<lowercase identifier>", file=sys.stderr)
        return 2
    name = argv[0]
    why = refusal(name, ROOT)
    if why:
        print(why, file=sys.stderr)
        return 1
    for path in scaffold(name):
        print(path)
    print("next: make generate, then make test (see docs/adding-a-vendor.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
