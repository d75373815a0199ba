"""The schemathesis contract run: the CLI against a real `sessim serve`, every check and every
phase (stateful too), one test per run of the registry's plan (tests/contract/plan.py), so
that `make test` spreads the runs over its workers and a failure names its API and lands,
with the run's output and its server's log, in pytest's report.

The fuzzing phase draws 25 cases per operation here (CONTRACT_MAX_EXAMPLES overrides it), a
third of the time of `make contract`'s 60: the suite stays within its minutes, and the deep
run is one command away. The seed is fixed either way, so a failure reproduces."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port
from tests.contract.plan import prepare, runs

pytestmark = pytest.mark.contract


@pytest.fixture(scope="session")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture, the configuration and the runs, made once for every run of a worker."""
    directory = tmp_path_factory.mktemp("contract")
    prepare(directory)
    return directory


@pytest.mark.parametrize(("api", "index"), list(runs()), ids=lambda value: str(value))
def test_the_schemathesis_cli_finds_no_failure(api: str, index: int, prepared: Path) -> None:
    result = subprocess.run(
        [ROOT / "tests" / "contract" / "cli.sh", api, str(index)],
        env={
            "CONTRACT_MAX_EXAMPLES": "25",
            **os.environ,
            "CONTRACT_PORT": str(free_port()),
            "CONTRACT_PREPARED": str(prepared),
        },
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-30000:] + result.stderr[-30000:]
