"""The CLI contract run's plan, from the registry (tests/contract/cli.sh asks it):

python -m tests.contract.plan runs
    one line per run: the API's name and the run's index (each on a fresh server)
python -m tests.contract.plan config
    the schemathesis configuration: every vendor's declared settings
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


def main(argv: list[str]) -> None:
    if argv[0] == "runs":
        print("\n".join(f"{name} {index}" for name, index in runs()))
        return
    if argv[0] == "config":
        print(config())
        return
    name, index, fixture_path, base_url, token = argv[1:6]
    fixture = yaml.safe_load(Path(fixture_path).read_text())
    print("\n".join(arguments(name, int(index), fixture, base_url, token)))


if __name__ == "__main__":
    main(sys.argv[1:])
