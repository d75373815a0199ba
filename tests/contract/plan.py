"""The CLI contract run's plan, from the registry (tests/contract/cli.sh asks it):

python -m tests.contract.plan prepare DIRECTORY
    writes there contract-fixture.yaml (tests/contract/fixture.py), schemathesis.toml (every
    vendor's declared settings) and runs (one line per run: the API's name and the run's
    index, each on a fresh server), in one process
python -m tests.contract.plan args NAME INDEX FIXTURE BASE_URL ADMIN_TOKEN
    that run's schemathesis arguments, one a line: the schema's URL, then the headers the
    API's declaration asks for (signing in on the live server where it must) and its
    further options
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
        ]
    api = VENDORS[name]
    run: ContractRun = api.contract.runs[index]
    with httpx.Client(base_url=base_url + api.base_path) as client:
        headers = run.headers(fixture[name], client)
    options = [option for key, value in headers.items() for option in ("-H", f"{key}: {value}")]
    return [f"{base_url}{api.base_path}/openapi.json", *options, *run.options]


def prepare(directory: Path) -> None:
    (directory / "contract-fixture.yaml").write_text(yaml.safe_dump(contract_fixture()))
    (directory / "schemathesis.toml").write_text(config())
    (directory / "runs").write_text("".join(f"{name} {index}\n" for name, index in runs()))


def main(argv: list[str]) -> None:
    if argv[0] == "prepare":
        prepare(Path(argv[1]))
        return
    name, index, fixture_path, base_url, token = argv[1:6]
    fixture = yaml.safe_load(Path(fixture_path).read_text())
    print("\n".join(arguments(name, int(index), fixture, base_url, token)))


if __name__ == "__main__":
    main(sys.argv[1:])
