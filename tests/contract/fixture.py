"""The contract runs' fixture: the demo accounts (the specs' examples log in with them), each
vendor's section as its declaration's contract seeds it (Okta's rate limits raised out of the
fuzzer's way).

`python -m tests.contract.fixture PATH` writes it for the CLI run (tests/contract/cli.sh).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from sessim.admin.fixtures import demo
from sessim.registry import VENDORS


def contract_fixture() -> dict:
    return {name: VENDORS[name].contract.seed(section) for name, section in demo().items()}


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(yaml.safe_dump(contract_fixture()))
