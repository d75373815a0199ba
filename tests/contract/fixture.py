"""The contract runs' fixture: the demo accounts (the specs' examples log in with them), with
Okta's rate limits raised out of the way. Fuzzing a bucket empty would turn every later
check into a 429; tests/okta covers the limits themselves.

`python -m tests.contract.fixture PATH` writes it for the CLI run (tests/contract/cli.sh).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

DEMO = Path(__file__).resolve().parents[2] / "impl" / "fixtures" / "demo.yaml"
UNLIMITED = {"authn": 1_000_000, "sessions": 1_000_000, "users": 1_000_000}


def contract_fixture() -> dict:
    fixture = yaml.safe_load(DEMO.read_text())
    fixture["okta"]["settings"] = {"rate_limits": UNLIMITED}
    return fixture


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(yaml.safe_dump(contract_fixture()))
