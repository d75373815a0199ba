"""The contract runs' fixture: the demo accounts (the specs' examples log in with them), each
vendor's section as its declaration's contract seeds it (Okta's rate limits raised out of the
fuzzer's way)."""

from __future__ import annotations

from sessim.admin.fixtures import demo
from sessim.registry import VENDORS


def contract_fixture() -> dict:
    return {name: VENDORS[name].contract.seed(section) for name, section in demo().items()}
