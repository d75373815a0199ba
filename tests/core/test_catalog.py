"""The error catalog's one policy (a fault rule's status, else the raised error's own, else
the entry's), its check that every Kind is answered, and that every API of the registry
renders through one."""

from __future__ import annotations

import json
from typing import ClassVar, NamedTuple

import pytest
from sessim.core.kit.errors import AuthenticationFailed
from sessim.core.web.catalog import Catalog
from sessim.core.web.problems import Kind, Problem
from sessim.registry import ADMIN, VENDORS


class Entry(NamedTuple):
    status: int
    code: str


def body(problem: Problem, entry: Entry, status: int) -> dict:
    return {"code": entry.code, "status": status}


CATALOG = Catalog(dict.fromkeys(Kind, Entry(400, "generic")), body)


class Expired(AuthenticationFailed):
    status: ClassVar[int] = 419  # a vendor's error that fixes its own status


def answer(problem: Problem) -> tuple[int, dict]:
    response = CATALOG(problem)
    return response.status_code, json.loads(response.body)


def test_the_entry_gives_the_status_of_a_plain_problem() -> None:
    assert answer(Problem(Kind.NOT_FOUND, "gone")) == (400, {"code": "generic", "status": 400})


def test_connexions_own_status_gives_way_to_the_entry() -> None:
    assert answer(Problem(Kind.INVALID_INPUT, "bad", status=422))[0] == 400


def test_an_error_that_fixes_its_status_wins_over_the_entry() -> None:
    problem = Problem(Kind.AUTHENTICATION_FAILED, "x", error=Expired("x"))
    assert answer(problem) == (419, {"code": "generic", "status": 419})


def test_a_fault_rules_status_wins_over_all() -> None:
    problem = Problem(Kind.AUTHENTICATION_FAILED, "x", 503, error=Expired("x"), injected=True)
    assert answer(problem)[0] == 503


def test_a_catalog_missing_a_kind_fails_when_made() -> None:
    entries = {kind: Entry(400, "x") for kind in Kind if kind is not Kind.CONFLICT}
    with pytest.raises(ValueError, match="answers no conflict"):
        Catalog(entries, body)


@pytest.mark.registry
@pytest.mark.parametrize("api", [ADMIN, *VENDORS.values()], ids=lambda api: api.name)
def test_every_api_renders_through_a_catalog(api) -> None:
    assert isinstance(api.render, Catalog)
