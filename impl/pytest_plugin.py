"""Sessim's pytest plugin, registered by the distribution's `pytest11` entry point: installing
sessim is enough to use its fixtures. Nothing is started (nor the server's modules imported)
unless a test asks for a fixture.

- `sessim`: a fresh Sessim for one test (its own server and memory store).
- `sessim_shared`: one Sessim for the whole run, reset before each test that takes it
  (cheaper: the server starts once).
- `sessim_session`: that session-wide Sessim itself, not reset (for session fixtures).

Each is the object of `sessim.running()`. `--sessim-seed FILE` (or the ini option
`sessim_seed`, relative to the rootdir) names a fixture loaded into every one of them, after
each reset too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .testing import Sessim

SEED_HELP = "a Sessim fixture file (YAML or JSON) loaded into the sessim fixtures' servers"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("sessim").addoption("--sessim-seed", metavar="FILE", help=SEED_HELP)
    parser.addini("sessim_seed", SEED_HELP + ", relative to the rootdir")


def _seed(config: pytest.Config) -> Path | None:
    given = config.getoption("sessim_seed")
    if given:
        return Path(given)
    listed = config.getini("sessim_seed")
    return config.rootpath / listed if listed else None


@pytest.fixture
def sessim(request: pytest.FixtureRequest) -> Iterator[Sessim]:
    """A Sessim of its own for this test: a fresh server and memory store."""
    from .testing import running

    with running(seed=_seed(request.config)) as server:
        yield server


@pytest.fixture(scope="session")
def sessim_session(request: pytest.FixtureRequest) -> Iterator[Sessim]:
    """One Sessim for the whole test run, as it is: tests that take it share its state."""
    from .testing import running

    with running(seed=_seed(request.config)) as server:
        yield server


@pytest.fixture
def sessim_shared(sessim_session: Sessim, request: pytest.FixtureRequest) -> Sessim:
    """The session's Sessim, reset (and seeded again) for this test."""
    sessim_session.reset()
    seed = _seed(request.config)
    if seed is not None:
        sessim_session.seed(seed)
    return sessim_session
