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

In a test that takes the `sessim` fixture, the name `sessim` is the fixture, not the module:
to call `running()` there too, import it by another name, `from sessim import running` or
`import sessim as sessim_pkg`.

Warnings raised inside Sessim's own stack (connexion's use of jsonschema's RefResolver and
of starlette's test client, say) are kept out of the run's summary: they are not the user's
to act on. They are told apart by the module the warning is raised from, so a warning from
the user's own code still shows; `-W default` shows them all again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .testing import Sessim

SEED_HELP = "a Sessim fixture file (YAML or JSON) loaded into the sessim fixtures' servers"
# The modules of Sessim's stack whose warnings stay out of the user's summary.
QUIET = ("sessim", "connexion")


def pytest_configure(config: pytest.Config) -> None:
    # After the user's own ini filters, so that `filterwarnings = error` does not fail a
    # test on them either; before -W, which the user can still bring them back with.
    for module in QUIET:
        config.addinivalue_line("filterwarnings", rf"ignore::Warning:{module}(\.|$)")


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
    """A Sessim of its own for this test: a fresh server and memory store. Named `sessim`,
    it hides the module in the test: `from sessim import running` to call running() too."""
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
