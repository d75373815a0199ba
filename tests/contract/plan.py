"""The CLI contract run's plan, from the registry (tests/contract/cli.sh asks it):

python -m tests.contract.plan prepare DIRECTORY
    writes there contract-fixture.yaml (tests/contract/fixture.py), schemathesis.toml (every
    vendor's declared settings) and runs (one line per run: the API's name and the run's
    index, each on a fresh server), in one process
python -m tests.contract.plan args NAME INDEX DIRECTORY BASE_URL ADMIN_TOKEN MAX_EXAMPLES
    that run's schemathesis command line, one argument a line, for the fixture and the
    configuration prepared in DIRECTORY (signing in on the live server where the API's
    declaration asks for headers)
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import yaml
from sessim.core.web.contract import ContractRun
from sessim.registry import ADMIN, VENDORS

from tests.contract.fixture import contract_fixture

ADMIN_NAME = "_admin"
SEED = "20261121"  # fixed, so that a failure reproduces


def runs() -> Iterator[tuple[str, int]]:
    for name, api in VENDORS.items():
        yield from ((name, index) for index in range(len(api.contract.runs)))
    yield ADMIN_NAME, 0


def config() -> str:
    """Every API's schemathesis settings (a [[project]] each), in one configuration."""
    declared = (api.contract.schemathesis for api in (*VENDORS.values(), ADMIN))
    return "\n".join(settings.read_text() for settings in declared if settings is not None)


def arguments(name: str, index: int, fixture: dict, base_url: str, admin_token: str) -> list[str]:
    if name == ADMIN_NAME:
        return [
            f"{base_url}{ADMIN.base_path}/openapi.json",
            "-H",
            f"Authorization: Bearer {admin_token}",
            # The mark of a call that is no web page's: without it (nor a JSON body) a
            # state-changing call that schemathesis sends without the token gets the guard's
            # 403 rather than the 401 the run probes for.
            "-H",
            "X-Sessim-Admin: contract",
        ]
    api = VENDORS[name]
    run: ContractRun = api.contract.runs[index]
    with httpx.Client(base_url=base_url + api.base_path) as client:
        headers = run.headers(fixture[name], client)
    options = [option for key, value in headers.items() for option in ("-H", f"{key}: {value}")]
    return [f"{base_url}{api.base_path}/openapi.json", *options, *run.options]


def command(
    name: str, index: int, directory: Path, base_url: str, admin_token: str, max_examples: int
) -> list[str]:
    """The schemathesis CLI's arguments (after `schemathesis`) for that run: every check and
    every phase (a run's own --phases narrows them), on the fixture and the configuration
    that `prepare` wrote in directory, against the server at base_url seeded with it. No
    example database: the fixed seed reproduces a failure, and hypothesis' files in
    .hypothesis/ cost a run more than they give it."""
    fixture = yaml.safe_load((directory / "contract-fixture.yaml").read_text())
    url, *options = arguments(name, index, fixture, base_url, admin_token)
    return [
        "--config-file", str(directory / "schemathesis.toml"), "run", url,
        "--wait-for-schema", "30", "--checks", "all",
        "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", str(max_examples),
        "--seed", SEED, "--generation-database", "none", "--workers", "1", *options,
    ]  # fmt: skip


def prepare(directory: Path) -> None:
    (directory / "contract-fixture.yaml").write_text(yaml.safe_dump(contract_fixture()))
    (directory / "schemathesis.toml").write_text(config())
    (directory / "runs").write_text("".join(f"{name} {index}\n" for name, index in runs()))


def main(argv: list[str]) -> None:
    if argv[0] == "prepare":
        prepare(Path(argv[1]))
        return
    name, index, directory, base_url, token, max_examples = argv[1:7]
    print("\n".join(command(name, int(index), Path(directory), base_url, token, int(max_examples))))


if __name__ == "__main__":
    main(sys.argv[1:])
