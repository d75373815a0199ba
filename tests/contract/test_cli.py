"""The schemathesis contract run: the CLI against a real `sessim serve`, every check and every
phase (stateful too), one test per run of the registry's plan (tests/contract/plan.py), so
that `make test` spreads the runs over its workers and a failure names its API and lands,
with the run's output and its server's log, in pytest's report.

The CLI runs in this process (click's runner around schemathesis' own command, with the
command line that tests/contract/cli.sh gives the `schemathesis` program): the worker has
imported schemathesis and the registry already, which a program of its own imports again
for each run. One server per worker serves its runs in turn, each on a store wiped and
seeded anew through the admin API (POST /_admin/reset wipes every vendor's state, the
clock, the faults and the journal), as a fresh server would be.

The examples and coverage phases run whole: the specs' examples, and every boundary and
negative case that the schemas define (deterministic). Fuzzing and the stateful phase draw
CONTRACT_MAX_EXAMPLES cases (5 here, where `make contract` draws 60): hypothesis' random
cases beyond the coverage phase's, at a fixed seed, so that a failure reproduces. At 5, bugs
planted on purpose still turned their run red: a 500 on a schema-valid input (in the
coverage phase, or in the stateful one when only a long value set it off) and an answer off
its schema (in every phase that reached the operation)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest
import yaml
from click.testing import CliRunner
from schemathesis.cli import schemathesis

from tests.conftest import logged_sessim
from tests.contract.plan import command, prepare, runs

pytestmark = pytest.mark.contract

TOKEN = "contract-admin-token"
MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "5"))


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture, the configuration and the runs, made once for every run of a worker."""
    directory = tmp_path_factory.mktemp("contract")
    prepare(directory)
    return directory


@pytest.fixture(scope="session")
def server() -> Iterator[tuple[str, IO[bytes]]]:
    """The worker's `sessim serve` for its runs: its base URL and its log."""
    with logged_sessim("memory://", "--admin-token", TOKEN) as (base, _, log):
        yield base, log


def reseed(base: str, fixture: dict) -> None:
    """The server's state as a fresh server's, seeded with the contract fixture."""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}) as admin:
        assert admin.post("/_admin/reset").status_code == 204
        seeded = admin.post("/_admin/seed", json=fixture)
        assert seeded.status_code == 200, seeded.text


@pytest.mark.parametrize(("api", "index"), list(runs()), ids=lambda value: str(value))
def test_the_schemathesis_cli_finds_no_failure(
    api: str, index: int, prepared: Path, server: tuple[str, IO[bytes]]
) -> None:
    base, log = server
    reseed(base, yaml.safe_load((prepared / "contract-fixture.yaml").read_text()))
    start = log.seek(0, os.SEEK_END)
    arguments = command(api, index, prepared, base, TOKEN, MAX_EXAMPLES)
    result = CliRunner().invoke(
        schemathesis, arguments, env={"SCHEMATHESIS_HOOKS": "tests.contract.hooks"}
    )
    log.seek(start)
    server_log = log.read()[-30000:].decode(errors="replace")
    assert result.exit_code == 0, f"{result.output[-30000:]}\n--- server log ---\n{server_log}"
