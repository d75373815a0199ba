"""The schemathesis contract run: the CLI against a real `sessim serve`, every check and every
phase (stateful too), one test per run of the registry's plan (tests/contract/plan.py), so
that `make test` spreads the runs over its workers and a failure names its API and lands,
with the run's output and its server's log, in pytest's report."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import ROOT, free_port
from tests.contract.plan import runs

pytestmark = pytest.mark.contract


@pytest.mark.parametrize(("api", "index"), list(runs()), ids=lambda value: str(value))
def test_the_schemathesis_cli_finds_no_failure(api: str, index: int) -> None:
    result = subprocess.run(
        [ROOT / "tests" / "contract" / "cli.sh", api, str(index)],
        env={**os.environ, "CONTRACT_PORT": str(free_port())},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-30000:] + result.stderr[-30000:]
