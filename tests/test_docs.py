"""The documentation's examples, run: every shell example of README.md and of the pages
under docs/ against a live `sessim serve --demo`, its shown answer compared with the real
one; and README's pytest example run by pytest.

The convention, in the markdown:

- A fenced block tagged `bash` is a command block: the test runs it. The blocks of one
  page run in order in one bash process (`set -u`: an unset variable is an error), so a
  block may use what an earlier one captured, as in a reader's terminal. Each page finds
  the server as a reader's fresh `make run` would be: the pages' `sessim serve --demo`
  (memory store), wiped and seeded with the demo fixture again; a page that reads the
  metrics, which count from the process's start and which no reset undoes, gets a
  process of its own.
- A fenced block tagged `text` that follows a command block, with nothing but blank
  lines between, is its expected output: stdout and stderr together. A command block
  without one must print nothing.
- Commands that cannot run here (installing, starting a server, Redis) are fenced as
  `console`; the vendor guides may not have any (nor `sh`, `shell` or untagged fences),
  so that every shell example there is checked.

The docs say http://127.0.0.1:8080, `make run`'s address; the test runs them against its
own server's address and writes that back before comparing. A second local server (the
proxy of `sessim record`) is 127.0.0.1:8081, started with `--port 8081`: the test gives it
a free port the same way. Before the comparison, both
outputs are masked the same way: HTTP and cookie dates, RFC 3339 instants, epoch seconds,
JWTs, SFCC's dwsid and dwsecuretoken cookie values, and latencies (`12.3 ms`). Beyond
that, a run of 16 or more characters of [A-Za-z0-9_-] (an id, a token) may stand for
another of the same length; everything else must be equal, line for line (trailing
spaces aside).

`SESSIM_DOCS_UPDATE=1 .venv/bin/pytest tests/test_docs.py` writes the real outputs into
the pages instead of comparing: read the diff before committing it.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sessim.admin.fixtures import demo

from tests.conftest import ADMIN, ROOT, free_port, plain_client, sessim_process

# Real `sessim serve` processes, bash and curl: the slow lane (make test runs it).
pytestmark = pytest.mark.slow

PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
# Pages where every shell example must be a checked one.
STRICT = sorted((ROOT / "docs" / "vendors").glob("*.md"))
DOCS_ADDRESS = "127.0.0.1:8080"
PROXY_PORT = "8081"  # a second server of the docs' own: `sessim record --port 8081`
END = "@@sessim-docs-block-end@@"
UPDATE = os.environ.get("SESSIM_DOCS_UPDATE") == "1"
DEMO_SERVER = ("memory://", "--demo", "--no-access-log")
# What a command reads of the metrics, which count from the process's start.
METRICS = "/_admin/metrics"

FENCE = re.compile(r"^```(\S*).*$")
HTTP_DATE = r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d[ -]\w{3}[ -]\d{4} \d\d:\d\d:\d\d GMT"
MASKS = [
    (re.compile(HTTP_DATE), "<date>"),
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"), "<instant>"),
    (re.compile(r"\beyJ[\w-]*\.[\w-]+\.[\w-]+"), "<jwt>"),
    (re.compile(r"\b(dwsid|dwsecuretoken_\w+)=[^;\s\"']+"), r"\1=<cookie>"),
    (re.compile(r"(?<![\w.])1[6-9]\d{8}(?![\w.])"), "<epoch>"),
    (re.compile(r"\b\d+\.\d ms\b"), "<latency>"),
]
LONG = re.compile(r"([A-Za-z0-9_-]{16,})")


@dataclass
class Block:
    """A fenced block: its tag, its text, and the lines it spans in its file (0-based,
    fences included)."""

    tag: str
    text: str
    start: int
    end: int


@dataclass
class Example:
    command: Block
    output: Block | None


def fenced_blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    start: int | None = None
    tag = ""
    for number, line in enumerate(lines):
        fence = FENCE.match(line)
        if fence is None:
            continue
        if start is None:
            start, tag = number, fence.group(1)
        else:
            blocks.append(Block(tag, "\n".join(lines[start + 1 : number]), start, number))
            start = None
    assert start is None, f"a fence opened on line {start + 1 if start else 0} never closes"
    return blocks


def examples(lines: list[str]) -> list[Example]:
    """Each command block with the output block that follows it, if one does."""
    blocks = fenced_blocks(lines)
    found = []
    for index, block in enumerate(blocks):
        if block.tag != "bash":
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        adjacent = (
            following is not None
            and following.tag == "text"
            and not any(line.strip() for line in lines[block.end + 1 : following.start])
        )
        found.append(Example(block, following if adjacent else None))
    return found


def run_examples(found: list[Example], base: str, workdir: Path) -> list[str]:
    """The output of each command block, run in order in one bash process."""
    address = base.removeprefix("http://")
    proxy = str(free_port())
    script = ["set -u", "exec 2>&1"]
    for example in found:
        command = example.command.text.replace(DOCS_ADDRESS, address)
        for prefix in ("127.0.0.1:", "--port "):
            command = command.replace(prefix + PROXY_PORT, prefix + proxy)
        script += [command, f"printf '\\n%s\\n' {END}"]
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "SESSIM_URL": base,
    }
    done = subprocess.run(
        ["bash"], input="\n".join(script) + "\n", capture_output=True, text=True,
        cwd=workdir, env=env, timeout=300,
    )  # fmt: skip
    shown = done.stdout.replace("\r", "").replace(address, DOCS_ADDRESS)
    outputs = shown.replace(f"127.0.0.1:{proxy}", f"127.0.0.1:{PROXY_PORT}").split(f"\n{END}\n")
    assert len(outputs) == len(found) + 1, f"the page's script stopped early:\n{done.stdout}"
    return outputs[:-1]


def tidy(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n")).strip("\n")


def masked(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def matched(expected: str, actual: str) -> str:
    """The actual output as the comparison sees it: masked, and each long run that
    differs from the expected one at the same place, with the same length, taken as it."""
    want, got = LONG.split(masked(expected)), LONG.split(masked(actual))
    if len(want) != len(got):
        return masked(actual)
    same = [
        mine if index % 2 and len(mine) == len(theirs) else theirs
        for index, (mine, theirs) in enumerate(zip(want, got, strict=True))
    ]
    return "".join(same)


def where(page: Path, block: Block) -> str:
    return f"{page.relative_to(ROOT)}:{block.start + 1}"


def rewrite(page: Path, lines: list[str], found: list[Example], outputs: list[str]) -> None:
    """Writes each real output into the page, as the block after its command."""
    for example, output in reversed(list(zip(found, outputs, strict=True))):
        shown = tidy(output).split("\n") if tidy(output) else []
        if example.output is not None:
            end = example.output.end + 1
            start = example.command.end + 1
        else:
            start = end = example.command.end + 1
        lines[start:end] = ["", "```text", *shown, "```"] if shown else []
    page.write_text("\n".join(lines))


@pytest.fixture(scope="module")
def demo_server() -> Iterator[str]:
    """The `sessim serve --demo` the pages share (each wipes and seeds it first)."""
    with sessim_process(*DEMO_SERVER) as base:
        yield base


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_shell_examples_give_the_shown_answers(
    page: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    lines = page.read_text().split("\n")
    if page in STRICT:
        unchecked = [b for b in fenced_blocks(lines) if b.tag in ("", "console", "sh", "shell")]
        assert not unchecked, f"shell examples that no test runs: {where(page, unchecked[0])}"
    found = examples(lines)
    if not found:
        return
    assert shutil.which("jq"), "jq is not installed: `make test` installs it (make jq)"
    if any(METRICS in example.command.text for example in found):
        with sessim_process(*DEMO_SERVER) as base:
            outputs = run_examples(found, base, tmp_path)
    else:
        base = request.getfixturevalue("demo_server")
        with plain_client(base_url=base) as http:
            assert http.post("/_admin/reset", headers=ADMIN).status_code == 204
            assert http.post("/_admin/seed", json=demo()).status_code == 200
        outputs = run_examples(found, base, tmp_path)
    if UPDATE:
        rewrite(page, lines, found, outputs)
        return
    for example, output in zip(found, outputs, strict=True):
        expected = tidy(example.output.text) if example.output else ""
        actual = matched(expected, tidy(output))
        if masked(expected) != actual:
            diff = difflib.unified_diff(
                masked(expected).split("\n"), actual.split("\n"), "shown", "real", lineterm=""
            )
            pytest.fail(f"{where(page, example.command)}: the answer differs\n" + "\n".join(diff))


def test_a_changed_answer_fails() -> None:
    """The comparison is not blind: ids of another length, another status, another word."""
    shown = '{"id": "abcdefghijklmnop0123", "at": "2026-01-01T00:00:00Z"}\nHTTP/1.1 200 OK'
    same = '{"id": "QRSTUVWXYZabcdef9876", "at": "2031-05-06T07:08:09.5Z"}\nHTTP/1.1 200 OK'
    assert matched(shown, same) == masked(shown)
    for changed in (
        same.replace("9876", "98765"),
        same.replace("200 OK", "404 Not Found"),
        same.replace('"id"', '"ids"'),
    ):
        assert matched(shown, changed) != masked(shown)


def test_readme_pytest_example_passes(tmp_path: Path) -> None:
    """README's pytest example, as a file of a project of its own: the installed plugin's
    fixtures are all it needs. This checkout's own test tools (schemathesis, hypothesis),
    which a user's project may not have, stay out: loading them was two thirds of the run."""
    blocks = fenced_blocks((ROOT / "README.md").read_text().split("\n"))
    (example,) = [b.text for b in blocks if b.tag == "python" and "def test_" in b.text]
    (tmp_path / "test_readme.py").write_text(example + "\n")
    plugins_out = ["-p", "no:cacheprovider", "-p", "no:schemathesis", "-p", "no:hypothesispytest"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *plugins_out, "test_readme.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\b\d+ passed\b", done.stdout), done.stdout
