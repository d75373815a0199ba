"""The schemathesis CLI run against real servers (tests/contract/cli.sh, `make contract`) as one
test: `make test` runs it beside the rest of the suite, and its failure, with the run's output,
lands in pytest's report and summary."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.contract


def test_the_schemathesis_cli_finds_no_failure() -> None:
    # CONTRACT_PORT where given (`make test` on a shared machine), else a free port.
    port = os.environ.get("CONTRACT_PORT") or str(free_port())
    result = subprocess.run(
        [ROOT / "tests" / "contract" / "cli.sh"],
        env={**os.environ, "CONTRACT_PORT": port},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-30000:] + result.stderr[-30000:]
